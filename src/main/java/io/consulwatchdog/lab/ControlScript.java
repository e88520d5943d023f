package io.consulwatchdog.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Installs a server's ctl.sh and consul.args, and runs ctl.sh with a bounded wait. */
final class ControlScript {
  private static final String RESOURCE = "ctl.sh";
  private static final long TIMEOUT_SECONDS = 40;

  /**
   * What one ctl.sh run produced.
   *
   * @param exitCode the script's exit code (-1 if it timed out)
   * @param output its stdout and stderr
   */
  record Outcome(int exitCode, String output) {}

  private ControlScript() {}

  /** Copies ctl.sh (a fixed script, no generated text) into the server's dir and makes it executable. */
  static void install(LabServer server) {
    try (InputStream in = ControlScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new LabException("resource " + RESOURCE + " missing from the classpath");
      }
      Files.createDirectories(server.dir());
      Files.copy(in, server.ctlScript(), StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(server.ctlScript(), PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new LabException("cannot install " + server.ctlScript() + ": " + e.getMessage(), e);
    }
  }

  /** Atomically writes consul.args: one argument per line, none may contain a line break. */
  static void writeArgs(LabServer server, List<String> argv) {
    for (String arg : argv) {
      if (arg.indexOf('\n') >= 0 || arg.indexOf('\r') >= 0 || arg.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("argument with a line break or NUL: " + arg);
      }
    }
    try {
      Path tmp = server.argsFile().resolveSibling("consul.args.tmp");
      Files.write(tmp, argv, StandardCharsets.UTF_8);
      Files.move(tmp, server.argsFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new LabException("cannot write " + server.argsFile() + ": " + e.getMessage(), e);
    }
  }

  /** Runs ctl.sh with one action and returns its exit code and output; never waits unbounded. */
  static Outcome run(LabServer server, String action) {
    Path out = server.dir().resolve("ctl-output.txt");
    try {
      Process p = new ProcessBuilder(server.ctlScript().toString(), action)
          .directory(server.dir().toFile())
          .redirectErrorStream(true)
          .redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Outcome(-1, "ctl.sh " + action + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).trim());
    } catch (IOException e) {
      throw new LabException("cannot run " + server.ctlScript() + " " + action + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while running " + server.ctlScript() + " " + action, e);
    }
  }

  /** Runs ctl.sh and throws unless it exits 0. */
  static String runOrThrow(LabServer server, String action) {
    Outcome outcome = run(server, action);
    if (outcome.exitCode() != 0) {
      throw new LabException("ctl.sh " + action + " of " + server + " exited " + outcome.exitCode() + ": "
          + outcome.output() + " (log: " + server.logFile() + ")");
    }
    return outcome.output();
  }
}
