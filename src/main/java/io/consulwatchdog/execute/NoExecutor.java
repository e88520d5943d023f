package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import java.time.Duration;

/** The executor of an agent the watchdog may observe but must never control: every run fails. */
public final class NoExecutor implements AgentExecutor {
  private final String agent;

  /** Creates the refusing executor for the named agent. */
  public NoExecutor(String agent) {
    this.agent = agent;
  }

  @Override
  public ExecutionResult run(AgentOperation operation, Duration timeout) {
    String cannot = operation instanceof CheckReady check
        ? "check-ready: not ready: no executor configured for " + agent + " (cannot " + Readiness.covered(check) + ")"
        : "no executor configured for " + agent + " (cannot " + operation.name() + ")";
    return ExecutionResult.failed(cannot, Duration.ZERO);
  }

  @Override
  public String describe(AgentOperation operation) {
    return "nothing: no executor configured for " + agent + " (" + operation.name() + " would fail)";
  }
}
