package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.ChildJvm;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import io.consulwatchdog.plan.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessExecutorTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static LocalProcessExecutor executor(List<String> stop, List<String> start, List<String> restart) {
    return new LocalProcessExecutor(new LocalExecutorConfig(stop, start, restart));
  }

  @Test
  void successfulCommandReportsExitZeroAndOutput() {
    var ex = executor(List.of("/bin/true"), List.of("/bin/sh", "-c", "echo out; echo err >&2"), List.of());
    ExecutionResult stop = ex.run(new Stop(), TIMEOUT);
    ExecutionResult start = ex.run(new Start(), TIMEOUT);
    assertThat(stop.success()).isTrue();
    assertThat(stop.exitCode()).isZero();
    assertThat(start.stdout()).isEqualTo("out\n");
    assertThat(start.stderr()).isEqualTo("err\n");
    assertThat(start.error()).isEmpty();
  }

  @Test
  void commandsDoNotInheritTheConsulTokenVariablesOfTheWatchdog() throws Exception {
    ChildJvm.Result probe = ChildJvm.run(EnvironmentProbe.class, Map.of("CONSUL_HTTP_TOKEN", "s3cr3t-token",
        "CONSUL_HTTP_TOKEN_FILE", "/etc/consul-watchdog/token", "WATCHDOG_PROBE_MARKER", "kept"), Duration.ofSeconds(60));
    assertThat(probe.exit()).as(probe.output()).isZero();
    assertThat(probe.output()).contains("WATCHDOG_PROBE_MARKER=kept")
        .doesNotContain("CONSUL_HTTP_TOKEN").doesNotContain("s3cr3t-token");
  }

  @Test
  void failingCommandReportsExitStatusAndLastStderrLine() {
    var ex = executor(List.of("/bin/false"), List.of("/bin/sh", "-c", "echo first >&2; echo 'it broke' >&2; exit 3"),
        List.of());
    ExecutionResult stop = ex.run(new Stop(), TIMEOUT);
    ExecutionResult start = ex.run(new Start(), TIMEOUT);
    assertThat(stop.success()).isFalse();
    assertThat(stop.exitCode()).isEqualTo(1);
    assertThat(stop.error()).isEqualTo("/bin/false exited with status 1");
    assertThat(start.exitCode()).isEqualTo(3);
    assertThat(start.error()).isEqualTo("/bin/sh exited with status 3: it broke");
  }

  @Test
  void argumentsAreNotInterpretedByAShell() throws Exception {
    Path marker = dir.resolve("marker");
    var ex = executor(List.of("/bin/echo", "$(touch " + marker + ")", "; rm -rf /", "*"), List.of("/bin/true"),
        List.of());
    ExecutionResult r = ex.run(new Stop(), TIMEOUT);
    assertThat(r.stdout()).isEqualTo("$(touch " + marker + ") ; rm -rf / *\n");
    assertThat(marker).doesNotExist();
  }

  @Test
  void missingBinaryIsAnErrorNotAnException() {
    ExecutionResult r = executor(List.of("/nonexistent/consul-stop"), List.of("/bin/true"), List.of())
        .run(new Stop(), TIMEOUT);
    assertThat(r.success()).isFalse();
    assertThat(r.exitCode()).isEqualTo(-1);
    assertThat(r.error()).startsWith("cannot start /nonexistent/consul-stop:");
  }

  @Test
  void timeoutKillsTheProcessTree() throws Exception {
    Path pids = dir.resolve("pids");
    // the shell starts a grandchild sleep in the background and waits: both must die
    var ex = executor(List.of("/bin/sh", "-c", "sleep 600 & echo $! > " + pids + "; echo $$ >> " + pids + "; wait"),
        List.of("/bin/true"), List.of());
    long t0 = System.nanoTime();
    ExecutionResult r = ex.run(new Stop(), Duration.ofMillis(700));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(r.success()).isFalse();
    assertThat(r.error()).startsWith("timed out after 700ms: /bin/sh (pid ").contains("descendants were killed");
    assertThat(took).isLessThan(Duration.ofSeconds(6));
    List<Long> started = Files.readAllLines(pids).stream().map(Long::parseLong).toList();
    assertThat(started).hasSize(2);
    for (long pid : started) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
    }
  }

  @Test
  void outputIsBoundedToTheTail() {
    var ex = executor(List.of("/bin/sh", "-c", "head -c 300000 /dev/zero | tr '\\0' a; echo END"),
        List.of("/bin/true"), List.of());
    ExecutionResult r = ex.run(new Stop(), TIMEOUT);
    assertThat(r.success()).isTrue();
    assertThat(r.stdout()).startsWith("[... ").endsWith("aaaaEND\n");
    assertThat(r.stdout().length()).isLessThan(OutputTail.LIMIT + 100);
  }

  @Test
  void restartWithoutRestartCommandRunsStopThenStart() throws Exception {
    Path log = dir.resolve("log");
    var ex = executor(List.of("/bin/sh", "-c", "echo stop >> " + log), List.of("/bin/sh", "-c", "echo start >> " + log),
        List.of());
    ExecutionResult r = ex.run(new Restart(), TIMEOUT);
    assertThat(r.success()).isTrue();
    assertThat(Files.readAllLines(log)).containsExactly("stop", "start");
    assertThat(ex.describe(new Restart())).isEqualTo("local: run '/bin/sh' '-c' 'echo stop >> " + log
        + "', then '/bin/sh' '-c' 'echo start >> " + log + "'");
  }

  @Test
  void restartStopsAtAFailedStop() throws Exception {
    Path log = dir.resolve("log");
    var ex = executor(List.of("/bin/false"), List.of("/bin/sh", "-c", "echo start >> " + log), List.of());
    ExecutionResult r = ex.run(new Restart(), TIMEOUT);
    assertThat(r.success()).isFalse();
    assertThat(r.error()).isEqualTo("restart: stop failed: /bin/false exited with status 1");
    assertThat(log).doesNotExist();
  }

  @Test
  void restartCommandIsUsedWhenConfigured() {
    var ex = executor(List.of("/bin/false"), List.of("/bin/false"), List.of("/bin/echo", "restarted"));
    ExecutionResult r = ex.run(new Restart(), TIMEOUT);
    assertThat(r.success()).isTrue();
    assertThat(r.stdout()).isEqualTo("restarted\n");
  }

  @Test
  void writeFileIsAtomicWithModeAndRepeatable() throws Exception {
    var ex = executor(List.of("/bin/true"), List.of("/bin/true"), List.of());
    Path target = dir.resolve("peers.json");
    byte[] content = "[{\"id\":\"a\"}]\n".getBytes(StandardCharsets.UTF_8);
    WriteFile op = new WriteFile(target.toString(), content, "0640");
    ExecutionResult first = ex.run(op, TIMEOUT);
    ExecutionResult again = ex.run(op, TIMEOUT);
    assertThat(first.success()).as(first.error()).isTrue();
    assertThat(again.success()).as(again.error()).isTrue();
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("peers.json");
    assertThat(ex.run(new ReadFile(target.toString()), TIMEOUT).stdout()).isEqualTo("[{\"id\":\"a\"}]\n");

    ExecutionResult replaced = ex.run(new WriteFile(target.toString(), "new".getBytes(StandardCharsets.UTF_8),
        "0600"), TIMEOUT);
    assertThat(replaced.success()).isTrue();
    assertThat(Files.readString(target)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
  }

  @Test
  void writeFileGivesTheFileTheDirectoryOwnerWhenRunningAsRoot() throws Exception {
    Assumptions.assumeTrue(LocalFiles.RunningAs.root(), "only root can give files away");
    Path data = dir.resolve("raft");
    Files.createDirectories(data);
    Files.setAttribute(data, "unix:uid", 65534);
    Files.setAttribute(data, "unix:gid", 65534);
    ExecutionResult r = LocalFiles.write(new WriteFile(data.resolve("peers.json").toString(),
        "[]".getBytes(StandardCharsets.UTF_8), "0640"));
    assertThat(r.success()).as(r.error()).isTrue();
    assertThat(Files.getAttribute(data.resolve("peers.json"), "unix:uid")).isEqualTo(65534);
    assertThat(Files.getAttribute(data.resolve("peers.json"), "unix:gid")).isEqualTo(65534);
  }

  @Test
  void writeFileErrorsAreOneLineResults() {
    ExecutionResult noDir = LocalFiles.write(new WriteFile(dir.resolve("missing/peers.json").toString(),
        new byte[1], "0640"));
    ExecutionResult badMode = LocalFiles.write(new WriteFile(dir.resolve("x").toString(), new byte[1], "4755"));
    ExecutionResult relative = LocalFiles.write(new WriteFile("relative/x", new byte[1], "0640"));
    assertThat(noDir.error()).isEqualTo("write-file " + dir.resolve("missing/peers.json") + ": directory "
        + dir.resolve("missing") + " does not exist");
    assertThat(badMode.error()).contains("mode must be octal like 0640");
    assertThat(relative.error()).contains("path must be absolute");
  }

  @Test
  void readMissingFileIsAClearError() {
    ExecutionResult r = LocalFiles.read(new ReadFile(dir.resolve("nope.hcl").toString()));
    assertThat(r.success()).isFalse();
    assertThat(r.error()).isEqualTo("read-file " + dir.resolve("nope.hcl") + ": no such file or directory: "
        + dir.resolve("nope.hcl"));
  }

  @Test
  void backupCopiesTreeWithModesAndIsRepeatable() throws Exception {
    Path raft = dir.resolve("raft");
    Files.createDirectories(raft.resolve("snapshots/1-2-3"));
    Files.writeString(raft.resolve("raft.db"), "db");
    Files.writeString(raft.resolve("snapshots/1-2-3/state.bin"), "snap");
    Files.setPosixFilePermissions(raft.resolve("raft.db"), PosixFilePermissions.fromString("rw-------"));
    Files.setPosixFilePermissions(raft.resolve("snapshots"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(raft.resolve("link"), Path.of("raft.db"));
    Path target = dir.resolve("raft.backup-r1");
    BackupDirectory op = new BackupDirectory(raft.toString(), target.toString());

    ExecutionResult first = LocalBackup.backup(op);
    ExecutionResult again = LocalBackup.backup(op);

    assertThat(first.success()).as(first.error()).isTrue();
    assertThat(again.success()).as(again.error()).isTrue();
    assertThat(again.stdout()).startsWith("backup already present");
    assertThat(Files.readString(target.resolve("snapshots/1-2-3/state.bin"))).isEqualTo("snap");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("raft.db"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("snapshots"))))
        .isEqualTo("rwxr-x---");
    assertThat(Files.readSymbolicLink(target.resolve("link"))).isEqualTo(Path.of("raft.db"));
    assertThat(dir.resolve("raft.backup-r1.tmp")).doesNotExist();
  }

  @Test
  void backupRefusesATargetWithOtherContentAndCleansALeftoverTemporaryCopy() throws Exception {
    Path raft = dir.resolve("raft");
    Files.createDirectories(raft);
    Files.writeString(raft.resolve("raft.db"), "db");
    Path other = dir.resolve("other");
    Files.createDirectories(other);
    Files.writeString(other.resolve("raft.db"), "different");
    ExecutionResult refused = LocalBackup.backup(new BackupDirectory(raft.toString(), other.toString()));
    assertThat(refused.success()).isFalse();
    assertThat(refused.error()).isEqualTo("backup-directory: target " + other + " exists with other content");

    Path leftover = dir.resolve("raft.backup-r2.tmp");
    Files.createDirectories(leftover.resolve("junk"));
    ExecutionResult r = LocalBackup.backup(new BackupDirectory(raft.toString(), dir.resolve("raft.backup-r2").toString()));
    assertThat(r.success()).as(r.error()).isTrue();
    assertThat(dir.resolve("raft.backup-r2/junk")).doesNotExist();
    assertThat(leftover).doesNotExist();
  }

  @Test
  void editFileReplacesTheFirstMatchLikeTheSeedsLineinfileAndWritesNothingWithoutAMatch() throws Exception {
    Path agentJson = dir.resolve("agent.json");
    Files.writeString(agentJson, "{\n  \"server\": true,\n  \"bootstrap_expect\": 3\n}\n");
    var ex = executor(List.of("true"), List.of("true"), List.of());
    Step.SetBootstrapExpect step = new Step.SetBootstrapExpect("s1", agentJson.toString(), 1, 3, TIMEOUT);
    ExecutionResult r = ex.run(step.operation(), TIMEOUT);
    assertThat(r.success()).as(r.error()).isTrue();
    assertThat(Files.readString(agentJson)).contains("\"bootstrap_expect\": 1").contains("\"server\": true");

    Path other = dir.resolve("other.json");
    Files.writeString(other, "{\"server\": true}");
    ExecutionResult none = ex.run(new Step.SetBootstrapExpect("s1", other.toString(), 1, 3, TIMEOUT).operation(), TIMEOUT);
    assertThat(none.success()).isFalse();
    assertThat(none.error()).contains("no match").contains("nothing written");
    assertThat(Files.readString(other)).isEqualTo("{\"server\": true}");
    assertThat(ex.describe(step.operation())).startsWith("local: read " + agentJson)
        .contains("replace the first match").contains("write the edited content to");
  }

  @Test
  void describeNamesArgvAndPaths() {
    var ex = executor(List.of("systemctl", "stop", "consul"), List.of("systemctl", "start", "consul"), List.of());
    assertThat(ex.describe(new Stop())).isEqualTo("local: run 'systemctl' 'stop' 'consul'");
    assertThat(ex.describe(new WriteFile("/opt/consul/raft/peers.json", new byte[12], "0640")))
        .isEqualTo("local: write 12 bytes to a new /opt/consul/raft/.peers.json.<random>.consul-watchdog-tmp"
            + " (created exclusively, never through a link; mode 0640, fsync, owner and group of /opt/consul/raft"
            + " when root), then rename it to /opt/consul/raft/peers.json (refused if /opt/consul/raft/peers.json"
            + " or /opt/consul/raft is a symbolic link)");
    assertThat(ex.describe(new BackupDirectory("/opt/consul/raft", "/opt/consul/raft.backup-r1")))
        .contains("/opt/consul/raft.backup-r1.tmp");
  }
}
