package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.SshExecutorConfig;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped sudoers file under real sudo: an unprivileged SSH user (created for the test, deleted
 * after it) gets the file, with data_dir /opt/consul replaced by the test's directory and the Runas user
 * consul by nobody, as /etc/sudoers.d/&lt;user&gt;; the SSH executor's CheckReady and file operations then
 * run exactly as on a Consul host. Needs root (useradd, /etc/sudoers.d).
 */
@Tag("lab")
class ShippedSudoersLabTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String ID = "20261125T211500Z-ab12";

  @TempDir static Path labDir;
  static String user;
  static Path dropIn;
  static Path root;
  static SshdLab sshd;
  static SshClientPool pool;

  Path data;
  Path raft;

  @BeforeAll
  static void createUserAndInstallTheRules() throws Exception {
    Assumptions.assumeTrue(LocalFiles.RunningAs.root() && Files.isExecutable(Path.of("/usr/sbin/useradd")),
        "needs root and useradd");
    root = Files.createTempDirectory("cwsudo");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Assumptions.assumeTrue(root.toString().matches("[A-Za-z0-9/_-]+"), "a temporary dir usable in a regex");
    byte[] random = new byte[3];
    new SecureRandom().nextBytes(random);
    user = "cwlab" + HexFormat.of().formatHex(random);
    LabProcesses.run(List.of("/usr/sbin/useradd", "--no-create-home", "--home-dir", "/", "--shell", "/bin/sh",
        "--password", "*", user), Duration.ofSeconds(20));
    String rules = Files.readString(ShippedSudoersTest.SUDOERS)
        .replace("/opt/consul", root.resolve("consul").toString())
        .replace("Defaults:consul-watchdog ", "Defaults:" + user + " ")
        .replaceAll("(?m)^consul-watchdog ALL=\\(consul\\)", user + " ALL=(nobody)")
        .replaceAll("(?m)^consul-watchdog ALL=", user + " ALL=");
    Path checked = labDir.resolve("sudoers");
    Files.writeString(checked, rules);
    assertThat(LabProcesses.run(List.of("/usr/sbin/visudo", "-cf", checked.toString()), Duration.ofSeconds(10)))
        .contains("parsed OK");
    dropIn = Path.of("/etc/sudoers.d", user);
    Files.writeString(dropIn, rules);
    Files.setPosixFilePermissions(dropIn, PosixFilePermissions.fromString("r--r-----"));
    sshd = SshdLab.start(labDir, List.of(user));
    pool = new SshClientPool();
  }

  @AfterAll
  static void removeEverything() throws Exception {
    try {
      SshdLab.close(pool, sshd);
    } finally {
      if (dropIn != null) {
        Files.deleteIfExists(dropIn);
      }
      if (user != null) {
        LabProcesses.run(List.of("/usr/sbin/userdel", user), Duration.ofSeconds(20));
      }
      if (root != null) {
        LocalBackup.deleteTree(root);
      }
    }
  }

  @BeforeEach
  void freshDataDir() throws Exception {
    Path consul = root.resolve("consul");
    if (Files.exists(consul)) {
      LocalBackup.deleteTree(consul);
    }
    data = consul;
    raft = data.resolve("raft");
    Files.createDirectories(raft.resolve("snapshots"));
    Files.writeString(raft.resolve("raft.db"), "db");
    LabProcesses.run(List.of("chown", "-R", "65534:65534", data.toString()), Duration.ofSeconds(5));
  }

  private SshExecutor executor(List<String> start) {
    SshExecutorConfig config = sshd.config(user, "id_ed25519", sshd.knownHosts, false,
        List.of("sudo", "-n", "systemctl", "stop", "consul"), start,
        List.of("sudo", "-n", "systemctl", "restart", "consul"), List.of("sudo", "-n"), "nobody");
    return new SshExecutor(config, pool);
  }

  @Test
  void checkReadyPassesUnderTheShippedRules() {
    ExecutionResult r = executor(List.of("sudo", "-n", "systemctl", "start", "consul"))
        .run(new CheckReady(RecoveryOperations.of(data, ID)), TIMEOUT);

    assertThat(r.success()).as(r.error() + "\n" + r.stderr()).isTrue();
    assertThat(r.stdout()).contains("ok: login as " + user + "@127.0.0.1:" + sshd.port + " works\n",
        "ok: start: sudo allows sudo -n systemctl start consul\n",
        "ok: move-directory " + raft + " -> " + data + "/raft.moved-" + ID + ": sudo allows mv -T -- " + raft + " "
            + data + "/raft.moved-" + ID + " as nobody\n");
  }

  @Test
  void theFileOperationsRunUnderTheShippedRulesAsTheDataDirsOwner() throws Exception {
    SshExecutor ex = executor(List.of("sudo", "-n", "systemctl", "start", "consul"));
    Path peers = raft.resolve("peers.json");
    Path moved = data.resolve("raft.moved-" + ID);
    byte[] content = "[]\n".getBytes(StandardCharsets.UTF_8);

    List<ExecutionResult> results = List.of(
        ex.run(new BackupDirectory(raft.toString(), data.resolve("raft.backup-" + ID).toString()), TIMEOUT),
        ex.run(new WriteFile(peers.toString(), content, "0640"), TIMEOUT),
        ex.run(new WriteFile(peers.toString(), content, "0640"), TIMEOUT));
    assertThat(results).allSatisfy(r -> assertThat(r.success()).as(r.error()).isTrue());
    assertThat(Files.readAllBytes(peers)).isEqualTo(content);
    assertThat(Files.getAttribute(peers, "unix:uid")).isEqualTo(65534);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(peers))).isEqualTo("rw-r-----");
    assertThat(Files.readString(data.resolve("raft.backup-" + ID + "/raft.db"))).isEqualTo("db");

    List<ExecutionResult> undo = List.of(
        ex.run(new RemoveFile(peers.toString()), TIMEOUT),
        ex.run(new MoveDirectory(raft.toString(), moved.toString()), TIMEOUT),
        ex.run(new MoveDirectory(moved.toString(), raft.toString()), TIMEOUT));
    assertThat(undo).allSatisfy(r -> assertThat(r.success()).as(r.error()).isTrue());
    assertThat(peers).doesNotExist();
    assertThat(Files.readString(raft.resolve("raft.db"))).isEqualTo("db");

    ExecutionResult read = ex.run(new ReadFile(raft.resolve("raft.db").toString()), TIMEOUT);
    assertThat(read.success()).as("cat is not granted outside the optional block").isFalse();
  }

  @Test
  void aMissingRuleFailsTheCheckNamingTheCommand() {
    Path elsewhere = data.resolve("raft.elsewhere");
    ExecutionResult r = executor(List.of("sudo", "-n", "systemctl", "start", "consul-other"))
        .run(new CheckReady(List.of(new Start(), new MoveDirectory(raft.toString(), elsewhere.toString()))), TIMEOUT);

    assertThat(r.success()).isFalse();
    // sudo -n -l says nothing for a command it would not allow; the check line names it
    assertThat(r.stderr().lines().filter(l -> l.startsWith("FAILED: ")).toList()).hasSize(6).contains(
        "FAILED: start: sudo does not allow sudo -n systemctl start consul-other without a password",
        "FAILED: move-directory " + raft + " -> " + elsewhere + ": sudo does not allow mv -T -- " + raft + " "
            + elsewhere + " as nobody without a password",
        "FAILED: move-directory " + raft + " -> " + elsewhere + ": " + elsewhere + " exists (sudo: a password is"
            + " required)");
    assertThat(r.stdout()).contains("ok: move-directory " + raft + " -> " + elsewhere + ": sudo allows test -d "
        + raft + " as nobody\n");
  }
}
