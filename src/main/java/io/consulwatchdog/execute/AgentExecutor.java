package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import java.time.Duration;

/**
 * Drives one Consul agent: the only thing swapped between a real run and a dry run.
 *
 * <p>Implementations never throw for failures of the remote side (unreachable host, failed unit,
 * timeout): they return an unsuccessful {@link ExecutionResult}. Every operation is safe to repeat.
 */
public interface AgentExecutor extends AutoCloseable {

  /** Runs one operation within the timeout and reports how it ended. */
  ExecutionResult run(AgentOperation operation, Duration timeout);

  /** Describes exactly what {@link #run} would do for this operation (commands, units, paths). */
  String describe(AgentOperation operation);

  /** Releases connections; the default does nothing. */
  @Override
  default void close() {}
}
