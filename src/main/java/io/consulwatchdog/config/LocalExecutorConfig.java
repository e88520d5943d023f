package io.consulwatchdog.config;

import java.util.List;

/**
 * Controls an agent on the watchdog's own host by running argv lists (never through a shell).
 *
 * @param stop argv that stops the agent without a graceful leave (e.g. systemctl stop consul)
 * @param start argv that starts the agent and returns once it is launched
 * @param restart argv that restarts the agent; empty means stop then start
 */
public record LocalExecutorConfig(List<String> stop, List<String> start, List<String> restart)
    implements ExecutorConfig {

  public LocalExecutorConfig {
    stop = List.copyOf(stop);
    start = List.copyOf(start);
    restart = List.copyOf(restart);
  }

  @Override
  public String type() {
    return "local";
  }
}
