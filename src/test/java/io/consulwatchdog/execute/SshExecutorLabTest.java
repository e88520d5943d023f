package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("lab")
class SshExecutorLabTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final List<String> TRUE = List.of("true");

  @TempDir static Path labDir;
  static SshdLab sshd;
  static SshClientPool pool;

  @TempDir Path dir;

  @BeforeEach
  void letNobodyIn() throws Exception {
    SshdLab.openToFileOwner(dir);
  }

  static void chownToNobody(Path... paths) throws Exception {
    for (Path p : paths) {
      LabProcesses.run(List.of("chown", "-h", "65534:65534", p.toString()), Duration.ofSeconds(5));
    }
  }

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = SshdLab.start(labDir);
    pool = new SshClientPool();
  }

  @AfterAll
  static void stopSshd() throws Exception {
    SshdLab.close(pool, sshd);
  }

  private static SshExecutor executor(List<String> stop) {
    return executor("id_ed25519", stop, List.of());
  }

  private static SshExecutor executor(String key, List<String> stop, List<String> prefix) {
    return new SshExecutor(sshd.config(key, sshd.knownHosts, false, stop, TRUE, List.of(), prefix), pool);
  }

  @Test
  void runsCommandsWithExitStatusStdoutAndStderr() {
    ExecutionResult r = executor(List.of("sh", "-c", "echo out; echo err >&2; exit 3")).run(new Stop(), TIMEOUT);
    assertThat(r.success()).isFalse();
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.error()).isEqualTo("ssh " + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port
        + ": remote command exited with status 3: err");

    ExecutionResult ok = executor(TRUE).run(new Start(), TIMEOUT);
    assertThat(ok.success()).isTrue();
    assertThat(ok.exitCode()).isZero();
  }

  @Test
  void argumentsArriveUnchangedThroughTheRemoteShell() throws Exception {
    Path marker = dir.resolve("marker");
    List<String> tricky = List.of("it's", "$(touch " + marker + ")", "a b", "*", "`id`", "\"q\"", ";", "", "x'y'z");
    List<String> argv = new ArrayList<>(List.of("printf", "[%s]\\n"));
    argv.addAll(tricky);
    ExecutionResult r = executor(argv).run(new Stop(), TIMEOUT);
    assertThat(r.success()).as(r.error()).isTrue();
    assertThat(r.stdout().lines().toList()).containsExactlyElementsOf(tricky.stream().map(s -> "[" + s + "]").toList());
    assertThat(marker).doesNotExist();
  }

  @Test
  void everyKeyTypeAuthenticatesIncludingAnEncryptedKey() {
    for (String key : List.of("id_ed25519", "id_rsa", "id_ecdsa", "id_encrypted")) {
      ExecutionResult r = executor(key, List.of("echo", key), List.of()).run(new Stop(), TIMEOUT);
      assertThat(r.success()).as(key + ": " + r.error()).isTrue();
      assertThat(r.stdout()).isEqualTo(key + "\n");
    }
  }

  @Test
  void hangingCommandTimesOutAndTheRemoteProcessIsKilled() throws Exception {
    Path pidfile = dir.resolve("sleep.pid");
    SshExecutor ex = executor(List.of("sh", "-c", "echo $$ > " + pidfile + "; exec sleep 600"));
    long t0 = System.nanoTime();
    ExecutionResult r = ex.run(new Stop(), Duration.ofMillis(1500));
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(r.success()).isFalse();
    assertThat(r.error()).contains("timed out after 1s").contains("SIGTERM");
    assertThat(took).isLessThan(Duration.ofSeconds(8));
    long pid = Long.parseLong(Files.readString(pidfile).strip());
    await().atMost(Duration.ofSeconds(5)).until(() -> !LabProcesses.alive(pid));
    // the session stays usable after a timeout
    assertThat(executor(TRUE).run(new Stop(), TIMEOUT).success()).isTrue();
  }

  @Test
  void changedHostKeyIsRefusedWithHostAndFingerprint() throws Exception {
    LabProcesses.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("other").toString()),
        Duration.ofSeconds(10));
    Path known = dir.resolve("known_hosts");
    Files.writeString(known, "[127.0.0.1]:" + sshd.port + " " + Files.readString(dir.resolve("other.pub")));
    try (SshClientPool own = new SshClientPool()) {
      SshExecutor ex = new SshExecutor(sshd.config("id_ed25519", known, true, TRUE, TRUE, List.of(), List.of()), own);
      ExecutionResult r = ex.run(new Stop(), TIMEOUT);
      assertThat(r.success()).isFalse();
      assertThat(r.error()).contains("HOST KEY CHANGED for 127.0.0.1:" + sshd.port)
          .contains("server offered ssh-ed25519 key " + sshd.hostKeyFingerprint)
          .doesNotContain("\n");
      assertThat(Files.readString(known)).doesNotContain(Files.readString(labDir.resolve("host_ed25519.pub")).split(" ")[1]);
    }
  }

  @Test
  void unknownHostIsRefusedWithoutTrustOnFirstUse() throws Exception {
    Path known = dir.resolve("known_hosts");
    Files.writeString(known, "[127.0.0.1]:1 " + Files.readString(labDir.resolve("host_ed25519.pub")));
    try (SshClientPool own = new SshClientPool()) {
      SshExecutor ex = new SshExecutor(sshd.config("id_ed25519", known, false, TRUE, TRUE, List.of(), List.of()), own);
      ExecutionResult r = ex.run(new Stop(), TIMEOUT);
      assertThat(r.success()).isFalse();
      assertThat(r.error()).contains("unknown host key for 127.0.0.1:" + sshd.port + ": ssh-ed25519 key "
          + sshd.hostKeyFingerprint + " is not in " + known);
    }
  }

  @Test
  void trustOnFirstUseRecordsTheKeyAndStrictCheckingAcceptsItAfterwards() throws Exception {
    Path known = dir.resolve("sub/known_hosts");
    try (SshClientPool own = new SshClientPool()) {
      SshExecutor tofu = new SshExecutor(sshd.config("id_ed25519", known, true, TRUE, TRUE, List.of(), List.of()), own);
      ExecutionResult r = tofu.run(new Stop(), TIMEOUT);
      assertThat(r.success()).as(r.error()).isTrue();
    }
    String hostKey = Files.readString(labDir.resolve("host_ed25519.pub")).split(" ")[1];
    assertThat(Files.readString(known)).startsWith("[127.0.0.1]:" + sshd.port + " ssh-ed25519 " + hostKey);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(known))).isEqualTo("rw-------");
    try (SshClientPool own = new SshClientPool()) {
      SshExecutor strict = new SshExecutor(sshd.config("id_ed25519", known, false, TRUE, TRUE, List.of(), List.of()),
          own);
      assertThat(strict.run(new Stop(), TIMEOUT).success()).isTrue();
    }
  }

  @Test
  void writesFilesAtomicallyWithModeAndOwnerThroughSudoAndReadsThemBack() throws Exception {
    Path data = dir.resolve("raft");
    Files.createDirectories(data);
    // the directory belongs to another user (as consul's data dir does): the file is written as that user
    chownToNobody(data);
    SshExecutor ex = executor("id_ed25519", TRUE, List.of("sudo", "-n"));
    Path target = data.resolve("peers.json");
    byte[] content = "[{\"id\":\"1\",\"address\":\"127.0.0.1:8300\",\"non_voter\":false}]\n"
        .getBytes(StandardCharsets.UTF_8);
    WriteFile op = new WriteFile(target.toString(), content, "0640");

    ExecutionResult first = ex.run(op, TIMEOUT);
    ExecutionResult again = ex.run(op, TIMEOUT);

    assertThat(first.success()).as(first.error()).isTrue();
    assertThat(again.success()).as(again.error()).isTrue();
    assertThat(Files.readAllBytes(target)).isEqualTo(content);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
    assertThat(Files.getAttribute(target, "unix:uid")).isEqualTo(65534);
    try (Stream<Path> files = Files.list(data)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("peers.json");
    }
    ExecutionResult read = ex.run(new ReadFile(target.toString()), TIMEOUT);
    assertThat(read.stdout()).isEqualTo(new String(content, StandardCharsets.UTF_8));
    String tmp = data + "/.peers.json.<random>.consul-watchdog-tmp";
    String nobody = "'sudo' '-n' '-u' 'nobody' ";
    assertThat(ex.describe(op)).isEqualTo("ssh " + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port + ": "
        + "umask 0137 && if ! " + nobody + "'test' '!' '-L' '" + target + "'; then echo 'write-file " + target
        + ": refused: " + target + " is a symbolic link (or the check was not allowed)' >&2; exit 1; fi && "
        + nobody + "'dd' 'if=/dev/null' 'of=" + tmp + "' 'oflag=nofollow' 'conv=excl' 'status=none' && { "
        + nobody + "'dd' 'of=" + tmp + "' 'oflag=nofollow' 'conv=fsync' 'status=none' && "
        + nobody + "'mv' '-f' '-T' '--' '" + tmp + "' '" + target + "' || { "
        + nobody + "'rm' '-f' '--' '" + tmp + "'; exit 1; }; } (stdin: " + content.length + " bytes)");

    ExecutionResult missingDir = ex.run(new WriteFile(dir.resolve("nope/peers.json").toString(), content, "0640"),
        TIMEOUT);
    assertThat(missingDir.success()).isFalse();
    assertThat(missingDir.error()).contains("remote command exited with status 1").contains("nope");
    ExecutionResult missingFile = ex.run(new ReadFile(dir.resolve("nope.hcl").toString()), TIMEOUT);
    assertThat(missingFile.error()).contains("No such file or directory");
  }

  private SshExecutor asNobody(String temporaryNameToken) {
    return new SshExecutor(sshd.config("id_ed25519", sshd.knownHosts, false, TRUE, TRUE, List.of(),
        List.of("sudo", "-n")), pool, () -> temporaryNameToken);
  }

  @Test
  void aLinkPlantedAtTheTargetOrTheTemporaryNameIsRefusedAndItsTargetUntouched() throws Exception {
    // the victim is writable by the file owner, so only the refusal to follow links protects it
    Path victim = dir.resolve("victim");
    Files.writeString(victim, "precious");
    Path data = Files.createDirectories(dir.resolve("raft"));
    Path target = data.resolve("peers.json");
    Files.createSymbolicLink(target, victim);
    Path other = Files.createDirectories(dir.resolve("raft2"));
    Path planted = other.resolve(".peers.json.0123456789abcdef.consul-watchdog-tmp");
    Files.createSymbolicLink(planted, victim);
    chownToNobody(victim, data, target, other, planted);
    SshExecutor ex = asNobody("0123456789abcdef");
    byte[] content = "[]".getBytes(StandardCharsets.UTF_8);

    ExecutionResult atTarget = ex.run(new WriteFile(target.toString(), content, "0644"), TIMEOUT);
    ExecutionResult atTemporary = ex.run(new WriteFile(other.resolve("peers.json").toString(), content, "0644"),
        TIMEOUT);

    assertThat(atTarget.success()).isFalse();
    assertThat(atTarget.error()).endsWith("remote command exited with status 1: write-file " + target + ": refused: "
        + target + " is a symbolic link (or the check was not allowed)");
    assertThat(atTemporary.success()).isFalse();
    assertThat(atTemporary.error()).endsWith("dd: failed to open '" + planted + "': File exists");
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.readSymbolicLink(target)).isEqualTo(victim);
    assertThat(Files.readSymbolicLink(planted)).isEqualTo(victim);
    assertThat(other.resolve("peers.json")).doesNotExist();
  }

  @Test
  void removesAFileAsTheOwnerRepeatablyAndRefusesADirectory() throws Exception {
    Path data = Files.createDirectories(dir.resolve("raft"));
    Path peers = data.resolve("peers.json");
    Files.writeString(peers, "[]");
    chownToNobody(data, peers);
    SshExecutor ex = asNobody("0123456789abcdef");

    ExecutionResult removed = ex.run(new RemoveFile(peers.toString()), TIMEOUT);
    ExecutionResult again = ex.run(new RemoveFile(peers.toString()), TIMEOUT);
    ExecutionResult directory = ex.run(new RemoveFile(data.toString()), TIMEOUT);

    assertThat(removed.success()).as(removed.error()).isTrue();
    assertThat(peers).doesNotExist();
    assertThat(again.success()).as(again.error()).isTrue();
    assertThat(directory.success()).isFalse();
    assertThat(directory.error()).contains("Is a directory");
    assertThat(data).isDirectory();
  }

  @Test
  void movesADirectoryAsideAndBackRepeatablyAndRefusesAnExistingTarget() throws Exception {
    Path raft = Files.createDirectories(dir.resolve("raft"));
    Files.writeString(raft.resolve("raft.db"), "db");
    chownToNobody(raft, raft.resolve("raft.db"));
    Path moved = dir.resolve("raft.moved-r1");
    SshExecutor ex = asNobody("0123456789abcdef");
    // the parent is the owner's, as Consul's data dir is consul's
    chownToNobody(dir);
    try {
      ExecutionResult aside = ex.run(new MoveDirectory(raft.toString(), moved.toString()), TIMEOUT);
      ExecutionResult again = ex.run(new MoveDirectory(raft.toString(), moved.toString()), TIMEOUT);
      Files.createDirectories(raft);
      ExecutionResult taken = ex.run(new MoveDirectory(moved.toString(), raft.toString()), TIMEOUT);
      Files.delete(raft);
      ExecutionResult back = ex.run(new MoveDirectory(moved.toString(), raft.toString()), TIMEOUT);

      assertThat(aside.success()).as(aside.error()).isTrue();
      assertThat(aside.stdout()).isEqualTo("moved " + raft + " to " + moved + "\n");
      assertThat(again.success()).as(again.error()).isTrue();
      assertThat(again.stdout()).isEqualTo("already moved: " + raft + " is gone and " + moved + " is there\n");
      assertThat(taken.success()).isFalse();
      assertThat(taken.error()).endsWith("move-directory: refused: target " + raft + " exists");
      assertThat(back.success()).as(back.error()).isTrue();
      assertThat(Files.readString(raft.resolve("raft.db"))).isEqualTo("db");
      assertThat(moved).doesNotExist();
    } finally {
      LabProcesses.run(List.of("chown", "0:0", dir.toString()), Duration.ofSeconds(5));
    }
  }

  @Test
  void backsUpADirectoryAndRepeatsSafely() throws Exception {
    Path raft = dir.resolve("raft");
    Files.createDirectories(raft.resolve("snapshots"));
    Files.writeString(raft.resolve("raft.db"), "db");
    Files.setPosixFilePermissions(raft.resolve("raft.db"), PosixFilePermissions.fromString("rw-------"));
    Files.writeString(raft.resolve("snapshots/meta.json"), "{}");
    Path target = dir.resolve("raft.backup-r7");
    SshExecutor ex = executor(TRUE);
    BackupDirectory op = new BackupDirectory(raft.toString(), target.toString());

    ExecutionResult first = ex.run(op, TIMEOUT);
    ExecutionResult again = ex.run(op, TIMEOUT);

    assertThat(first.success()).as(first.error()).isTrue();
    assertThat(again.success()).as(again.error()).isTrue();
    assertThat(again.stdout()).isEqualTo("backup already present: " + target + "\n");
    assertThat(Files.readString(target.resolve("snapshots/meta.json"))).isEqualTo("{}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("raft.db"))))
        .isEqualTo("rw-------");
    assertThat(dir.resolve("raft.backup-r7.tmp")).doesNotExist();

    Files.writeString(raft.resolve("raft.db"), "changed since");
    ExecutionResult clash = ex.run(op, TIMEOUT);
    assertThat(clash.success()).isFalse();
    assertThat(clash.error()).endsWith("target " + target + " exists with other content");
  }

  @Test
  void aDeadConnectionIsAResultAndTheNextRunReconnects() throws Exception {
    SshExecutor ex = executor(List.of("echo", "hi"));
    assertThat(ex.run(new Stop(), TIMEOUT).success()).isTrue();
    sshd.stopSshd();
    try {
      ExecutionResult down = ex.run(new Stop(), TIMEOUT);
      assertThat(down.success()).isFalse();
      assertThat(down.error()).startsWith("ssh " + System.getProperty("user.name") + "@127.0.0.1:" + sshd.port + ": ")
          .contains("onnect");
    } finally {
      sshd.startSshd();
    }
    ExecutionResult back = ex.run(new Stop(), TIMEOUT);
    assertThat(back.success()).as(back.error()).isTrue();
    assertThat(back.stdout()).isEqualTo("hi\n");
  }

  @Test
  void drivesARealConsulAgentThroughSshd() throws Exception {
    Path consul = LabConsul.binary();
    String address = LabConsul.freeAddress();
    Path scripts = dir.resolve("consul-run");
    Files.createDirectories(scripts);
    Path pidfile = scripts.resolve("consul.pid");
    Path start = scripts.resolve("start.sh");
    Path stop = scripts.resolve("stop.sh");
    Files.writeString(start, String.join("\n",
        "#!/bin/sh",
        "# start.sh CONSUL ADDRESS DIR: starts a -dev agent detached, pid in DIR/consul.pid; no-op when running",
        "pidfile=\"$3/consul.pid\"",
        "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null) && [ -n \"$s\" ] && [ \"${s#Z}\" = \"$s\" ]; }",
        "if [ -f \"$pidfile\" ] && alive \"$(cat \"$pidfile\")\"; then echo already running; exit 0; fi",
        "setsid \"$1\" agent -dev -node lab-ssh -bind \"$2\" -client \"$2\" -hcl 'ports { dns = -1 grpc = -1 }' "
            + ">>\"$3/consul.log\" 2>&1 </dev/null &",
        "echo $! > \"$pidfile\"",
        "echo started $!",
        ""));
    Files.writeString(stop, String.join("\n",
        "#!/bin/sh",
        "# stop.sh DIR: SIGTERM (no graceful leave on servers), SIGKILL after 10 s; no-op when stopped",
        "pidfile=\"$1/consul.pid\"",
        "alive() { s=$(ps -o stat= -p \"$1\" 2>/dev/null) && [ -n \"$s\" ] && [ \"${s#Z}\" = \"$s\" ]; }",
        "[ -f \"$pidfile\" ] || { echo not running; exit 0; }",
        "pid=$(cat \"$pidfile\")",
        "if alive \"$pid\"; then kill -TERM \"$pid\"; i=0",
        "  while alive \"$pid\" && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done",
        "  alive \"$pid\" && kill -KILL \"$pid\"",
        "fi",
        "rm -f \"$pidfile\"",
        "echo stopped",
        ""));
    SshExecutor ex = new SshExecutor(sshd.config("id_ed25519", sshd.knownHosts, false,
        List.of("sh", stop.toString(), scripts.toString()),
        List.of("sh", start.toString(), consul.toString(), address, scripts.toString()),
        List.of(), List.of()), pool);
    try {
      ExecutionResult started = ex.run(new Start(), TIMEOUT);
      assertThat(started.success()).as(started.error()).isTrue();
      await().atMost(Duration.ofSeconds(20)).until(() -> LabConsul.leader(address).isPresent());
      assertThat(LabConsul.leader(address)).contains(address + ":8300");
      long firstPid = Long.parseLong(Files.readString(pidfile).strip());
      assertThat(ex.run(new Start(), TIMEOUT).stdout()).isEqualTo("already running\n");

      ExecutionResult restarted = ex.run(new Restart(), TIMEOUT);
      assertThat(restarted.success()).as(restarted.error()).isTrue();
      assertThat(LabProcesses.alive(firstPid)).isFalse();
      await().atMost(Duration.ofSeconds(20)).until(() -> LabConsul.leader(address).isPresent());

      ExecutionResult stopped = ex.run(new Stop(), TIMEOUT);
      assertThat(stopped.success()).as(stopped.error()).isTrue();
      assertThat(LabConsul.leader(address)).isEmpty();
      assertThat(ex.run(new Stop(), TIMEOUT).stdout()).isEqualTo("not running\n");
    } finally {
      if (Files.exists(pidfile)) {
        LabProcesses.stop(Long.parseLong(Files.readString(pidfile).strip()), Duration.ofSeconds(10));
      }
    }
  }
}
