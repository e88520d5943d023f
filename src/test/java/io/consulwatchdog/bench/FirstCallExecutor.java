package io.consulwatchdog.bench;

import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.plan.AgentOperation;
import java.time.Duration;

/**
 * Wraps a real executor and marks when the watchdog first hands any agent an operation: the moment a
 * recovery starts touching servers, seen from outside the watchdog.
 */
final class FirstCallExecutor implements AgentExecutor {
  private final AgentExecutor delegate;
  private final FirstMoment firstCall;

  /** Wraps delegate; firstCall is shared by every agent's wrapper. */
  FirstCallExecutor(AgentExecutor delegate, FirstMoment firstCall) {
    this.delegate = delegate;
    this.firstCall = firstCall;
  }

  @Override
  public ExecutionResult run(AgentOperation operation, Duration timeout) {
    firstCall.mark();
    return delegate.run(operation, timeout);
  }

  @Override
  public String describe(AgentOperation operation) {
    return delegate.describe(operation);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
