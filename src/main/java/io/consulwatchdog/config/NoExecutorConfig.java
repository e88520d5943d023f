package io.consulwatchdog.config;

/** An agent the watchdog may observe but must never control. */
public record NoExecutorConfig() implements ExecutorConfig {
  @Override
  public String type() {
    return "none";
  }
}
