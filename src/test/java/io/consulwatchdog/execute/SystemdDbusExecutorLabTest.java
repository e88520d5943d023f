package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.config.SystemdExecutorConfig;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("lab")
class SystemdDbusExecutorLabTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String SUFFIX = Long.toHexString(new SecureRandom().nextLong() & 0xffffffL);
  private static final String CONSUL_UNIT = "cwlab-consul-" + SUFFIX + ".service";
  private static final String FAILING_UNIT = "cwlab-fails-" + SUFFIX + ".service";
  private static final String MISSING_UNIT = "cwlab-missing-" + SUFFIX + ".service";

  @TempDir static Path labDir;
  static SystemdUserLab lab;
  static String address;

  @TempDir Path dir;

  @BeforeAll
  static void startSystemd() throws Exception {
    Path consul = LabConsul.binary();
    address = LabConsul.freeAddress();
    lab = SystemdUserLab.start(labDir);
    lab.install(CONSUL_UNIT, String.join("\n",
        "[Unit]",
        "Description=consul-watchdog lab Consul agent on " + address,
        "[Service]",
        "Type=simple",
        "ExecStart=" + consul + " agent -dev -node lab-systemd -bind " + address + " -client " + address
            + " -hcl \"ports { dns = -1 grpc = -1 }\"",
        "KillSignal=SIGTERM",
        "TimeoutStopSec=20",
        ""));
    lab.install(FAILING_UNIT, String.join("\n",
        "[Service]",
        "Type=oneshot",
        "ExecStart=/bin/false",
        ""));
  }

  @AfterAll
  static void stopSystemd() throws Exception {
    if (lab == null) {
      return;
    }
    long consulPid = -1;
    try {
      consulPid = Long.parseLong(lab.systemctl("show", "-p", "MainPID", "--value", CONSUL_UNIT).strip());
    } catch (RuntimeException e) {
      // systemd already gone
    } finally {
      lab.close();
      if (consulPid > 0) {
        LabProcesses.stop(consulPid, Duration.ofSeconds(10)); // should already be stopped by systemd
      }
    }
  }

  private static SystemdDbusExecutor executor(String unit) {
    return new SystemdDbusExecutor(new SystemdExecutorConfig(unit, "address", Optional.of(lab.busAddress)));
  }

  private static long mainPid() throws Exception {
    return Long.parseLong(lab.systemctl("show", "-p", "MainPID", "--value", CONSUL_UNIT).strip());
  }

  @Test
  void startsRestartsAndStopsARealConsulUnit() throws Exception {
    SystemdDbusExecutor ex = executor(CONSUL_UNIT);

    ExecutionResult started = ex.run(new Start(), TIMEOUT);
    assertThat(started.success()).as(started.error()).isTrue();
    assertThat(started.stdout()).startsWith("start " + CONSUL_UNIT + ": job done, ActiveState=active SubState=running");
    await().atMost(Duration.ofSeconds(20)).until(() -> LabConsul.leader(address).isPresent());
    assertThat(LabConsul.leader(address)).contains(address + ":8300");
    long firstPid = mainPid();
    ExecutionResult startedAgain = ex.run(new Start(), TIMEOUT);
    assertThat(startedAgain.success()).isTrue();
    assertThat(mainPid()).isEqualTo(firstPid);

    ExecutionResult restarted = ex.run(new Restart(), TIMEOUT);
    assertThat(restarted.success()).as(restarted.error()).isTrue();
    assertThat(mainPid()).isNotEqualTo(firstPid);
    assertThat(LabProcesses.alive(firstPid)).isFalse();
    await().atMost(Duration.ofSeconds(20)).until(() -> LabConsul.leader(address).isPresent());

    ExecutionResult stopped = ex.run(new Stop(), TIMEOUT);
    assertThat(stopped.success()).as(stopped.error()).isTrue();
    assertThat(stopped.stdout()).startsWith("stop " + CONSUL_UNIT + ": job done, ActiveState=");
    assertThat(lab.systemctl("show", "-p", "ActiveState", "--value", CONSUL_UNIT).strip()).isIn("inactive", "failed");
    assertThat(LabConsul.leader(address)).isEmpty();
    ExecutionResult stoppedAgain = ex.run(new Stop(), TIMEOUT);
    assertThat(stoppedAgain.success()).as(stoppedAgain.error()).isTrue();
  }

  @Test
  void userBusIsFoundThroughTheEnvironment() {
    SystemdExecutorConfig config = new SystemdExecutorConfig(FAILING_UNIT, "user", Optional.empty());
    SystemdDbusExecutor viaEnv = new SystemdDbusExecutor(config, Map.of("DBUS_SESSION_BUS_ADDRESS", lab.busAddress));
    assertThat(viaEnv.busAddress()).contains(lab.busAddress);
    ExecutionResult r = viaEnv.run(new Stop(), TIMEOUT);
    assertThat(r.success()).as(r.error()).isTrue();
    SystemdDbusExecutor viaRuntimeDir = new SystemdDbusExecutor(config, Map.of("XDG_RUNTIME_DIR", "/run/user/1234"));
    assertThat(viaRuntimeDir.busAddress()).contains("unix:path=/run/user/1234/bus");
  }

  @Test
  void missingUnitIsAClearError() {
    ExecutionResult r = executor(MISSING_UNIT).run(new Start(), TIMEOUT);
    assertThat(r.success()).isFalse();
    assertThat(r.error()).startsWith("start " + MISSING_UNIT + ": unit not found (org.freedesktop.systemd1.NoSuchUnit: ")
        .doesNotContain("\n");
  }

  @Test
  void failingUnitReportsTheJobResultAndState() {
    ExecutionResult r = executor(FAILING_UNIT).run(new Start(), TIMEOUT);
    assertThat(r.success()).isFalse();
    assertThat(r.error()).isEqualTo("start " + FAILING_UNIT + " failed: job result 'failed', unit is "
        + "ActiveState=failed SubState=failed Result=exit-code");
  }

  @Test
  void unreachableBusIsAClearError() {
    String nowhere = "unix:path=" + dir.resolve("no-bus-here");
    SystemdDbusExecutor ex = new SystemdDbusExecutor(new SystemdExecutorConfig(CONSUL_UNIT, "address",
        Optional.of(nowhere)));
    ExecutionResult r = ex.run(new Restart(), TIMEOUT);
    assertThat(r.success()).isFalse();
    assertThat(r.error()).startsWith("D-Bus address bus " + nowhere + " unreachable: ").doesNotContain("\n");
  }

  @Test
  void describeNamesTheMethodUnitAndBus() {
    assertThat(executor(CONSUL_UNIT).describe(new Restart())).isEqualTo("systemd over D-Bus (address bus "
        + lab.busAddress + "): org.freedesktop.systemd1 /org/freedesktop/systemd1 "
        + "org.freedesktop.systemd1.Manager.RestartUnit(\"" + CONSUL_UNIT + "\", \"replace\"), wait for its "
        + "JobRemoved signal, then read org.freedesktop.systemd1.Unit.ActiveState of " + CONSUL_UNIT);
  }

  @Test
  void checkReadyFindsAnExistingUnitChangingNothing() throws Exception {
    String stateBefore = lab.systemctl("show", "-p", "ActiveState", "--value", FAILING_UNIT).strip();
    Path peers = dir.resolve("peers.json");

    ExecutionResult r = executor(FAILING_UNIT).run(new CheckReady(List.of(new Stop(), new Start(),
        new WriteFile(peers.toString(), new byte[2], "0644"))), TIMEOUT);

    assertThat(r.success()).as(r.error() + "\n" + r.stderr()).isTrue();
    assertThat(r.stdout().lines()).containsExactly(
        "ok: the address bus " + lab.busAddress + " is reachable",
        "ok: unit " + FAILING_UNIT + " exists (LoadUnit: LoadState=loaded)",
        "ok: unit " + FAILING_UNIT + " can be started (CanStart)",
        "ok: unit " + FAILING_UNIT + " can be stopped (CanStop)",
        "ok: write-file " + peers + ": " + dir + " is a directory, no symbolic link",
        "ok: write-file " + peers + ": " + dir + " is writable by this process",
        "ok: write-file " + peers + ": " + peers + " is no symbolic link or directory",
        "not checked: permission to start, stop or restart " + FAILING_UNIT + ": polkit or the D-Bus policy decides"
            + " only when a job is queued, so whether this caller may do it cannot be checked without acting");
    assertThat(lab.systemctl("show", "-p", "ActiveState", "--value", FAILING_UNIT).strip()).isEqualTo(stateBefore);
    assertThat(peers).doesNotExist();
    assertThat(executor(FAILING_UNIT).describe(new CheckReady(List.of(new Start())))).contains("LoadUnit(\""
        + FAILING_UNIT + "\") has LoadState=loaded").contains("cannot be checked without acting");
  }

  @Test
  void checkReadyNamesAMissingUnitAndAnUnreachableBus() {
    ExecutionResult missing = executor(MISSING_UNIT).run(new CheckReady(List.of(new Restart())), TIMEOUT);
    assertThat(missing.success()).isFalse();
    assertThat(missing.error()).isEqualTo("check-ready: 1 of 2 checks failed: unit " + MISSING_UNIT
        + " exists (LoadUnit: LoadState=loaded): LoadState=not-found (no such unit file)");

    String nowhere = "unix:path=" + dir.resolve("no-bus-here");
    ExecutionResult unreachable = new SystemdDbusExecutor(new SystemdExecutorConfig(CONSUL_UNIT, "address",
        Optional.of(nowhere))).run(new CheckReady(List.of(new Start())), TIMEOUT);
    assertThat(unreachable.success()).isFalse();
    assertThat(unreachable.error()).startsWith("check-ready: 1 of 1 checks failed: the address bus " + nowhere
        + " is reachable: ").doesNotContain("\n");
  }

  @Test
  void fileOperationsRunLocally() throws Exception {
    SystemdDbusExecutor ex = executor(CONSUL_UNIT);
    Path target = dir.resolve("peers.json");
    ExecutionResult w = ex.run(new WriteFile(target.toString(), "[]".getBytes(StandardCharsets.UTF_8), "0640"), TIMEOUT);
    assertThat(w.success()).as(w.error()).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
    assertThat(ex.run(new ReadFile(target.toString()), TIMEOUT).stdout()).isEqualTo("[]");
  }
}
