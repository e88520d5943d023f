package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CheckReady on the local executor: each check named, success only when all pass, nothing changed. */
class LocalReadinessTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static LocalProcessExecutor executor(List<String> stop, List<String> start, List<String> restart) {
    return new LocalProcessExecutor(new LocalExecutorConfig(stop, start, restart));
  }

  private List<AgentOperation> recovery(Path data) {
    List<AgentOperation> ops = new ArrayList<>(RecoveryOperations.of(data, "r1"));
    ops.add(new ReadFile(data.resolve("consul.hcl").toString()));
    ops.add(new EditFile(data.resolve("consul.hcl").toString(), "x", "y", "0640"));
    return ops;
  }

  private Path readyDataDir() throws IOException {
    Path data = Files.createDirectories(dir.resolve("consul"));
    Files.createDirectories(data.resolve("raft/snapshots"));
    Files.writeString(data.resolve("raft/raft.db"), "x".repeat(5000));
    Files.writeString(data.resolve("consul.hcl"), "bootstrap_expect = 3\n");
    return data;
  }

  @Test
  void aReadyAgentPassesEveryCheckAndNothingChanges() throws Exception {
    Path data = readyDataDir();
    List<String> before = TreeSnapshot.of(data);
    var ex = executor(List.of("/bin/true"), List.of("sh", "-c", "true"), List.of());

    ExecutionResult r = ex.run(new CheckReady(recovery(data)), TIMEOUT);

    assertThat(r.success()).as(r.error() + "\n" + r.stderr()).isTrue();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout().lines()).allMatch(l -> l.startsWith("ok: ")).contains(
        "ok: stop: program /bin/true is the executable file /bin/true",
        "ok: backup-directory " + data.resolve("raft") + " -> " + data.resolve("raft.backup-r1") + ": "
            + data.resolve("raft") + " is a directory, no symbolic link",
        "ok: write-file " + data.resolve("raft/peers.json") + ": " + data.resolve("raft") + " is writable by this process",
        "ok: move-directory " + data.resolve("raft") + " -> " + data.resolve("raft.moved-r1") + ": "
            + data.resolve("raft") + " and " + data + " are on one file system",
        "ok: read-file " + data.resolve("consul.hcl") + ": " + data.resolve("consul.hcl")
            + " is a readable file, no symbolic link");
    assertThat(r.stdout()).containsPattern("ok: start: program sh is the executable file /\\S*/sh\n")
        .containsPattern("ok: backup-directory .*: free space on " + data + " \\(\\d+ bytes\\) >= size of "
            + data.resolve("raft") + " \\(5000 bytes\\)");
    assertThat(TreeSnapshot.of(data)).isEqualTo(before);
    assertThat(ex.describe(new CheckReady(List.of(new Stop())))).startsWith("local: check, changing nothing, that stop"
        + " can run: the program of each stop/start/restart argv resolves to an executable file");
  }

  @Test
  void eachFailedCheckIsNamedOnItsOwnLine() throws Exception {
    Path data = Files.createDirectories(dir.resolve("consul"));
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Files.createSymbolicLink(data.resolve("linked"), elsewhere);
    var ex = executor(List.of("/nonexistent/consul-stop"), List.of("no-such-program-cw"), List.of());
    List<AgentOperation> ops = List.of(new Stop(), new Start(),
        new WriteFile(data.resolve("raft/peers.json").toString(), new byte[2], "0644"),
        new WriteFile(data.resolve("linked/peers.json").toString(), new byte[2], "0644"),
        new BackupDirectory(data.resolve("raft").toString(), data.resolve("raft.backup-r1").toString()),
        new MoveDirectory(data.resolve("raft").toString(), data.resolve("raft.moved-r1").toString()));

    ExecutionResult r = ex.run(new CheckReady(ops), TIMEOUT);

    Path raft = data.resolve("raft");
    assertThat(r.success()).isFalse();
    assertThat(r.stderr().lines()).containsExactly(
        "FAILED: stop: program /nonexistent/consul-stop resolves to an executable file: no executable file at"
            + " /nonexistent/consul-stop",
        "FAILED: start: program no-such-program-cw resolves to an executable file: not found in any directory of"
            + " PATH (" + System.getenv("PATH") + ")",
        "FAILED: write-file " + raft + "/peers.json: " + raft + " is a directory, no symbolic link: it does not exist",
        "FAILED: write-file " + data + "/linked/peers.json: " + data + "/linked is a directory, no symbolic link: it"
            + " is a symbolic link",
        "FAILED: backup-directory " + raft + " -> " + raft + ".backup-r1: " + raft + " is a directory, no symbolic"
            + " link: it does not exist",
        "FAILED: move-directory " + raft + " -> " + raft + ".moved-r1: " + raft + " is a directory to move: it does"
            + " not exist, and " + raft + ".moved-r1 is not the moved directory");
    assertThat(r.stdout()).isEmpty();
    assertThat(r.error()).startsWith("check-ready: 6 of 6 checks failed: stop: program /nonexistent/consul-stop")
        .doesNotContain("\n");
    assertThat(data.resolve("raft")).doesNotExist();
  }

  @Test
  void aMoveAcrossFileSystemsFailsItsCheck() throws Exception {
    Path raft = Files.createDirectories(dir.resolve("raft"));
    Path other = AnotherFileSystem.directory(dir, "cw-check");
    try {
      ExecutionResult r = executor(List.of("true"), List.of("true"), List.of())
          .run(new CheckReady(List.of(new MoveDirectory(raft.toString(), other.resolve("raft").toString()))), TIMEOUT);
      assertThat(r.success()).isFalse();
      assertThat(r.error()).endsWith(raft + " and " + other + " are on one file system: they are not: a rename"
          + " cannot move it");
    } finally {
      Files.delete(other);
    }
  }
}
