package io.consulwatchdog.recover;

import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.execute.ExecutionResult;
import java.time.Duration;
import java.util.List;

/** Wraps a real executor and records every operation it is asked to run, as "server:operation". */
class RecordingExecutor implements AgentExecutor {
  private final AgentExecutor delegate;
  private final String server;
  private final List<String> calls;

  RecordingExecutor(AgentExecutor delegate, String server, List<String> calls) {
    this.delegate = delegate;
    this.server = server;
    this.calls = calls;
  }

  @Override
  public ExecutionResult run(AgentOperation op, Duration timeout) {
    calls.add(server + ":" + op.name());
    return delegate.run(op, timeout);
  }

  @Override
  public String describe(AgentOperation op) {
    return delegate.describe(op);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
