package io.consulwatchdog.execute;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one argv list as a child process (never through a shell) with a timeout and bounded output; the
 * child inherits the watchdog's environment except its Consul ACL token variables.
 */
final class ProcessRunner {
  /** How long the output readers may lag behind the process exit (a detached child can hold the pipes). */
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);
  /** How long killed processes get to exit after SIGTERM before SIGKILL. */
  private static final Duration TERM_GRACE = Duration.ofSeconds(2);

  /** Variables of the watchdog's environment that its commands never see: the ACL token and where it is. */
  static final List<String> WITHHELD_VARIABLES = List.of("CONSUL_HTTP_TOKEN", "CONSUL_HTTP_TOKEN_FILE");

  private ProcessRunner() {}

  /** Runs the command; on timeout kills it and every descendant, and returns a failed result. */
  static ExecutionResult run(List<String> argv, Duration timeout) {
    long started = System.nanoTime();
    if (argv.isEmpty()) {
      return ExecutionResult.failed("no command configured (empty argv)", Timing.since(started));
    }
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      WITHHELD_VARIABLES.forEach(builder.environment()::remove);
      process = builder.start();
    } catch (IOException e) {
      return ExecutionResult.failed("cannot start " + argv.get(0) + ": " + Timing.oneLine(e.getMessage()),
          Timing.since(started));
    }
    OutputTail out = new OutputTail();
    OutputTail err = new OutputTail();
    Thread outReader = out.drain(process.getInputStream(), "stdout-" + process.pid());
    Thread errReader = err.drain(process.getErrorStream(), "stderr-" + process.pid());
    try {
      boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        killTree(process);
        join(outReader, errReader);
        return new ExecutionResult(false, -1, out.text(), err.text(), Timing.since(started),
            "timed out after " + Timing.human(timeout) + ": " + argv.get(0) + " (pid " + process.pid()
                + ") and its descendants were killed");
      }
      join(outReader, errReader);
      int exit = process.exitValue();
      Duration took = Timing.since(started);
      if (exit == 0) {
        return new ExecutionResult(true, 0, out.text(), err.text(), took, "");
      }
      String why = err.lastLine().isEmpty() ? out.lastLine() : err.lastLine();
      return new ExecutionResult(false, exit, out.text(), err.text(), took,
          argv.get(0) + " exited with status " + exit + (why.isEmpty() ? "" : ": " + why));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(process);
      return new ExecutionResult(false, -1, out.text(), err.text(), Timing.since(started),
          "interrupted; " + argv.get(0) + " and its descendants were killed");
    }
  }

  /** Sends SIGTERM to the process and all its descendants, then SIGKILL to those still alive. */
  static void killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(0, process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TERM_GRACE.toNanos();
    for (ProcessHandle h : tree) {
      while (h.isAlive() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  private static void join(Thread... readers) throws InterruptedException {
    long deadline = System.nanoTime() + DRAIN_GRACE.toNanos();
    for (Thread t : readers) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
  }
}
