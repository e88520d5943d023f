package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CheckReady over a real sshd (logged in as the test's user, file commands as nobody through sudo): one
 * remote line, every check named, nothing changed. The missing-sudo-rule case needs an unprivileged login
 * and the shipped sudoers: see {@link ShippedSudoersLabTest}.
 */
@Tag("lab")
class SshCheckReadyLabTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir static Path labDir;
  static SshdLab sshd;
  static SshClientPool pool;

  @TempDir Path dir;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = SshdLab.start(labDir);
    pool = new SshClientPool();
  }

  @AfterAll
  static void stopSshd() throws Exception {
    SshdLab.close(pool, sshd);
  }

  @BeforeEach
  void letNobodyIn() throws Exception {
    SshdLab.openToFileOwner(dir);
  }

  private static SshExecutor executor(List<String> stop, List<String> start) {
    return new SshExecutor(sshd.config("id_ed25519", sshd.knownHosts, false, stop, start, List.of(),
        List.of("sudo", "-n")), pool);
  }

  /** A data dir like Consul's: owned by its user (nobody here), raft state inside. */
  private Path dataDir() throws Exception {
    Path data = Files.createDirectories(dir.resolve("consul"));
    Files.createDirectories(data.resolve("raft/snapshots"));
    Files.writeString(data.resolve("raft/raft.db"), "x".repeat(5000));
    LabProcesses.run(List.of("chown", "-R", "65534:65534", data.toString()), Duration.ofSeconds(5));
    return data;
  }

  @Test
  void aReadyAgentPassesEveryCheckInOneLineAndNothingChanges() throws Exception {
    Path data = dataDir();
    Path raft = data.resolve("raft");
    List<String> before = TreeSnapshot.of(data);
    SshExecutor ex = executor(List.of("sudo", "-n", "systemctl", "stop", "consul"), List.of("sh", "-c", "true"));

    ExecutionResult r = ex.run(new CheckReady(RecoveryOperations.of(data, "r1")), TIMEOUT);

    assertThat(r.success()).as(r.error() + "\n" + r.stderr()).isTrue();
    assertThat(r.stdout().lines()).allMatch(l -> l.startsWith("ok: ")).contains(
        "ok: login as " + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port + " works",
        "ok: stop: sudo allows sudo -n systemctl stop consul",
        "ok: start: program sh found",
        "ok: write-file " + raft + "/peers.json: " + raft + " is a directory",
        "ok: write-file " + raft + "/peers.json: " + raft + " is writable by nobody",
        "ok: move-directory " + raft + " -> " + data + "/raft.moved-r1: " + raft + " and " + data
            + " are on one file system",
        "ok: move-directory " + data + "/raft.moved-r1 -> " + raft + ": already moved (" + data
            + "/raft.moved-r1 is gone, " + raft + " is a directory)");
    assertThat(r.stdout()).contains("ok: write-file " + raft + "/peers.json: sudo allows mv -f -T -- " + raft
        + "/.peers.json.")
        .containsPattern("ok: backup-directory .*: free space on " + data + " >= size of " + raft
        + " \\(\\d+ >= \\d+ bytes\\)");
    assertThat(r.stderr()).doesNotContain("FAILED");
    assertThat(TreeSnapshot.of(data)).isEqualTo(before);
  }

  @Test
  void eachFailedCheckIsNamedOnItsOwnLine() throws Exception {
    Path data = Files.createDirectories(dir.resolve("consul"));
    LabProcesses.run(List.of("chown", "65534:65534", data.toString()), Duration.ofSeconds(5));
    Path raft = data.resolve("raft");
    SshExecutor ex = executor(List.of("sudo", "-n", "no-such-program-cw"), List.of("/nonexistent/consul-start"));

    ExecutionResult r = ex.run(new CheckReady(List.of(new Stop(), new Start(),
        new WriteFile(raft.resolve("peers.json").toString(), new byte[2], "0644"),
        new BackupDirectory(raft.toString(), data.resolve("raft.backup-r1").toString()))), TIMEOUT);

    assertThat(r.success()).isFalse();
    assertThat(r.exitCode()).isEqualTo(1);
    List<String> failed = r.stderr().lines().filter(l -> l.startsWith("FAILED: ")).toList();
    assertThat(failed).containsExactly(
        "FAILED: stop: sudo does not allow sudo -n no-such-program-cw without a password (sudo: no-such-program-cw:"
            + " command not found)",
        "FAILED: start: program /nonexistent/consul-start not found on the remote PATH or not executable",
        "FAILED: write-file " + raft + "/peers.json: " + raft + " is not a directory (or does not exist)",
        "FAILED: write-file " + raft + "/peers.json: " + raft + " is not writable by nobody",
        "FAILED: backup-directory " + raft + " -> " + data + "/raft.backup-r1: " + raft
            + " is not a directory (or does not exist)",
        "FAILED: backup-directory " + raft + " -> " + data + "/raft.backup-r1: cannot measure the size of " + raft
            + " (du) or the free space on " + data + " (df)");
    assertThat(r.error()).startsWith("check-ready: 6 of ").contains(" checks failed: stop: sudo does not allow")
        .doesNotContain("\n");
    assertThat(raft).doesNotExist();
  }

  @Test
  void aFailedLoginIsTheOneFailure() throws Exception {
    Path known = dir.resolve("known_hosts");
    Files.writeString(known, "[127.0.0.1]:" + sshd.port + " ssh-ed25519 "
        + "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n");
    try (SshClientPool own = new SshClientPool()) {
      SshExecutor ex = new SshExecutor(sshd.config("id_ed25519", known, false, List.of("true"), List.of("true"),
          List.of(), List.of("sudo", "-n")), own);
      ExecutionResult r = ex.run(new CheckReady(List.of(new Stop())), TIMEOUT);
      assertThat(r.success()).isFalse();
      assertThat(r.error()).startsWith("check-ready: ssh ").contains("HOST KEY CHANGED");
      assertThat(r.stdout()).isEmpty();
    }
  }

}
