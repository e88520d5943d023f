package io.consulwatchdog.recover;

import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.AgentOperation;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.lab.LabCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Drives one real lab server (through the lab's ctl.sh, so the lab tracks every pid) and its files on this
 * host; used by the recovery lab tests until the executors are merged. Records every call as "server:op".
 */
class LabAgentExecutor implements AgentExecutor {
  private final LabCluster lab;
  private final String server;
  private final List<String> calls;

  LabAgentExecutor(LabCluster lab, String server, List<String> calls) {
    this.lab = lab;
    this.server = server;
    this.calls = calls;
  }

  @Override
  public ExecutionResult run(AgentOperation op, Duration timeout) {
    calls.add(server + ":" + op.name());
    long start = System.nanoTime();
    try {
      String out = "";
      if (op instanceof AgentOperation.Stop) {
        lab.stop(server);
      } else if (op instanceof AgentOperation.Start) {
        lab.start(server);
      } else if (op instanceof AgentOperation.Restart) {
        lab.restart(server);
      } else if (op instanceof AgentOperation.BackupDirectory b) {
        copyTree(Path.of(b.source()), Path.of(b.target()));
      } else if (op instanceof AgentOperation.WriteFile w) {
        Path target = Path.of(w.path());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, w.content());
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } else if (op instanceof AgentOperation.ReadFile r) {
        out = Files.readString(Path.of(r.path()), StandardCharsets.UTF_8);
      }
      return ExecutionResult.ok(out, "", Duration.ofNanos(System.nanoTime() - start));
    } catch (IOException | RuntimeException e) {
      return ExecutionResult.failed(e.toString(), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  @Override
  public String describe(AgentOperation op) {
    return "lab " + op.name() + " of " + server;
  }

  private static void copyTree(Path source, Path target) throws IOException {
    if (Files.exists(target)) {
      throw new IOException(target + " exists");
    }
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path p : paths.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
