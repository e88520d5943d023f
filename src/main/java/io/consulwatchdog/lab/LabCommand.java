package io.consulwatchdog.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command of the lab (ctl.sh, consul tls) in a directory, with a bounded wait. */
final class LabCommand {
  /**
   * What one command run produced.
   *
   * @param exitCode the command's exit code (-1 if it timed out)
   * @param output its stdout and stderr
   */
  record Outcome(int exitCode, String output) {}

  private LabCommand() {}

  /** Runs argv in dir with stdin from /dev/null, output to dir/outputName; never waits longer than the timeout. */
  static Outcome run(List<String> argv, Path dir, String outputName, long timeoutSeconds) {
    Path out = dir.resolve(outputName);
    try {
      Process p = new ProcessBuilder(argv)
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Outcome(-1, String.join(" ", argv) + " did not finish within " + timeoutSeconds + " s");
      }
      return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new LabException("cannot run " + String.join(" ", argv) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while running " + String.join(" ", argv), e);
    }
  }

  /** Runs argv in dir and returns its output; throws unless it exits 0. */
  static String runOrThrow(List<String> argv, Path dir, String outputName, long timeoutSeconds) {
    Outcome outcome = run(argv, dir, outputName, timeoutSeconds);
    if (outcome.exitCode() != 0) {
      throw new LabException(String.join(" ", argv) + " in " + dir + " exited " + outcome.exitCode() + ": "
          + outcome.output());
    }
    return outcome.output();
  }
}
