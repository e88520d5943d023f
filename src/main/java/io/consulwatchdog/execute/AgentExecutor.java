package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import java.time.Duration;

/**
 * Drives one Consul agent: runs an {@link AgentOperation}, or describes exactly what running it would do
 * (the dry run and `consul-watchdog plan` ask for the description of the very operation a run would get).
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
