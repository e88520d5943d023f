package io.consulwatchdog.execute;

import java.time.Duration;

/**
 * How one agent operation ended.
 *
 * @param success true when the operation did what it promised
 * @param exitCode exit status of the command run, or -1 when no command ran to completion
 * @param stdout captured standard output (for ReadFile: the file's content)
 * @param stderr captured standard error
 * @param took wall time spent
 * @param error a one-line explanation when not successful (timeout, connection refused, unit not found...)
 */
public record ExecutionResult(
    boolean success, int exitCode, String stdout, String stderr, Duration took, String error) {

  /** A success with exit code 0. */
  public static ExecutionResult ok(String stdout, String stderr, Duration took) {
    return new ExecutionResult(true, 0, stdout, stderr, took, "");
  }

  /** A failure that happened before or instead of a command finishing. */
  public static ExecutionResult failed(String error, Duration took) {
    return new ExecutionResult(false, -1, "", "", took, error);
  }
}
