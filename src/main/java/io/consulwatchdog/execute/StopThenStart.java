package io.consulwatchdog.execute;

import java.time.Duration;
import java.util.function.Function;

/** A restart made of a stop and a start sharing one timeout, for executors without a restart command. */
final class StopThenStart {
  private StopThenStart() {}

  /** Runs stop, then start with the time left; reports the first failure. */
  static ExecutionResult run(Function<Duration, ExecutionResult> stop, Function<Duration, ExecutionResult> start,
      Duration timeout) {
    long started = System.nanoTime();
    ExecutionResult stopped = stop.apply(timeout);
    if (!stopped.success()) {
      return new ExecutionResult(false, stopped.exitCode(), stopped.stdout(), stopped.stderr(), stopped.took(),
          "restart: stop failed: " + stopped.error());
    }
    Duration left = timeout.minus(Timing.since(started));
    if (left.isNegative() || left.isZero()) {
      return ExecutionResult.failed("restart: timed out after " + Timing.human(timeout) + " (stop took it all)",
          Timing.since(started));
    }
    ExecutionResult startedResult = start.apply(left);
    return new ExecutionResult(startedResult.success(), startedResult.exitCode(),
        stopped.stdout() + startedResult.stdout(), stopped.stderr() + startedResult.stderr(), Timing.since(started),
        startedResult.success() ? "" : "restart: start failed: " + startedResult.error());
  }
}
