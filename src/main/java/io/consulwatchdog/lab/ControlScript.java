package io.consulwatchdog.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** Installs a server's ctl.sh and consul.args, and runs ctl.sh with a bounded wait. */
final class ControlScript {
  private static final String RESOURCE = "ctl.sh";
  private static final long TIMEOUT_SECONDS = 40;

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
  static LabCommand.Outcome run(LabServer server, String action) {
    return LabCommand.run(List.of(server.ctlScript().toString(), action), server.dir(), "ctl-output.txt",
        TIMEOUT_SECONDS);
  }

  /** Runs ctl.sh and throws unless it exits 0. */
  static String runOrThrow(LabServer server, String action) {
    LabCommand.Outcome outcome = run(server, action);
    if (outcome.exitCode() != 0) {
      throw new LabException("ctl.sh " + action + " of " + server + " exited " + outcome.exitCode() + ": "
          + outcome.output() + " (log: " + server.logFile() + ")");
    }
    return outcome.output();
  }
}
