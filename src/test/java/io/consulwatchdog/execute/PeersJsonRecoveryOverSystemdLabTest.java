package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import static io.consulwatchdog.execute.PeersJsonRecoveryScenario.peersJsonBytes;
import static io.consulwatchdog.execute.PeersJsonRecoveryScenario.stepNumber;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.SystemdExecutorConfig;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import io.consulwatchdog.recover.ClusterReconciler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 acceptance, systemd: each server of a real 3-server Consul 1.8.7 cluster runs in the foreground as a
 * unit of a real {@code systemd --user}; the watchdog stops and starts them only through D-Bus StopUnit and
 * StartUnit on the manager's private bus, writes backups and peers.json locally, and heals two of three
 * servers replaced for good with the peers-json strategy, keeping every key.
 *
 * <p>The lab starts every server through its ctl.sh; the test then hands each one over to a unit (ctl.sh stop,
 * then systemctl start), the initial servers as well as the fresh ones {@link TestLabCluster#replace} starts.
 * The unit runs {@value #LAUNCHER}: the argv of consul.args plus -data-dir, as ctl.sh would, with the pid
 * written to consul.pid so that the lab still recognises, reads and finally kills its servers.
 */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class PeersJsonRecoveryOverSystemdLabTest {
  static final String LAUNCHER = "consul-foreground.sh";
  private static final String UNIT_START_LINE = "consul-foreground.sh: start";
  private static final String CTL_START_LINE = "ctl.sh: start";
  private static final Duration UNIT_UP_TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path systemdDir;
  @TempDir Path stateDir;

  @Test
  void healsTwoOfThreeReplacedThroughSystemdUnits(TestLabCluster lab) throws Exception {
    try (SystemdUserLab systemd = SystemdUserLab.start(systemdDir);
        ExecutorResources resources = new ExecutorResources();
        PeersJsonRecoveryScenario scenario = new PeersJsonRecoveryScenario(lab, stateDir)) {
      Path launcher = writeLauncher(systemdDir);
      for (LabServer s : lab.servers()) {
        lab.stop(s.name());
      }
      for (LabServer s : lab.servers()) {
        runAsUnit(systemd, launcher, s);
      }
      scenario.writeKeysAndRememberTopology(scenario.cluster(s -> unitConfig(systemd, s)));
      String survivor = scenario.replaceAllButOne();
      for (LabServer fresh : lab.servers()) {
        if (!fresh.name().equals(survivor)) {
          lab.stop(fresh.name());
          runAsUnit(systemd, launcher, fresh);
        }
      }
      Map<String, Long> pidsBefore = new HashMap<>();
      for (LabServer s : lab.servers()) {
        pidsBefore.put(s.name(), mainPid(systemd, s));
      }
      ClusterConfig cluster = scenario.cluster(s -> unitConfig(systemd, s));
      ClusterReconciler watch = scenario.watch(cluster, s -> AgentExecutors.create(s, resources));

      Duration took = scenario.tickUntilRecoveryFinished(watch);
      System.out.printf("e2e systemd: peers-json recovery finished in %d ms%n", took.toMillis());

      scenario.assertHealedByPeersJson(watch, cluster, survivor, SystemdDbusExecutor.class);
      assertThat(scenario.calls()).allSatisfy(c -> {
        assertThat(c.executor()).isEqualTo(SystemdDbusExecutor.class);
        assertThat(c.result().success()).as(c.server() + " " + c.operation().name() + ": " + c.result().error())
            .isTrue();
      });
      List<String> names = lab.servers().stream().map(LabServer::name).toList();
      assertThat(scenario.calls(AgentOperation.Stop.class)).extracting(PeersJsonRecoveryScenario.Call::server)
          .containsExactlyInAnyOrderElementsOf(names);
      assertThat(scenario.calls(AgentOperation.Start.class)).extracting(PeersJsonRecoveryScenario.Call::server)
          .containsExactlyInAnyOrderElementsOf(names);
      assertThat(scenario.calls(AgentOperation.Stop.class)).allSatisfy(c ->
          assertThat(c.result().stdout()).startsWith("stop " + unit(c.server()) + ": job done, ActiveState="));
      assertThat(scenario.calls(AgentOperation.Start.class)).allSatisfy(c -> assertThat(c.result().stdout())
          .startsWith("start " + unit(c.server()) + ": job done, ActiveState=active SubState=running"));
      for (LabServer s : lab.servers()) {
        // each server now runs as a new main process of its unit, started by systemd, never by ctl.sh
        assertThat(systemd.systemctl("show", "-p", "ActiveState", "--value", unit(s.name())).strip())
            .isEqualTo("active");
        long pid = mainPid(systemd, s);
        assertThat(pid).isNotEqualTo(pidsBefore.get(s.name()));
        assertThat(s.pid()).hasValue(pid);
        String log = Files.readString(s.logFile());
        assertThat(count(log, UNIT_START_LINE)).as(s + " unit starts").isEqualTo(2);
        assertThat(count(log, CTL_START_LINE)).as(s + " ctl.sh starts").isEqualTo(1);
        assertThat(log.lastIndexOf(CTL_START_LINE)).isLessThan(log.indexOf(UNIT_START_LINE));
      }

      List<String> described = scenario.assertDescriptionMatchesWhatRan(cluster,
          s -> AgentExecutors.create(s, resources));
      RecoveryPlan plan = scenario.plan(cluster);
      String onBus = "systemd over D-Bus (address bus " + systemd.busAddress + "): org.freedesktop.systemd1 "
          + "/org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.";
      String survivorUnit = unit(survivor);
      String then = "\", \"replace\"), wait for its JobRemoved signal, then read "
          + "org.freedesktop.systemd1.Unit.ActiveState of " + survivorUnit;
      String raft = lab.server(survivor).dataDir() + "/raft";
      assertThat(described).contains(
          String.format("  %2d. via: %sStopUnit(\"%s%s", stepNumber(plan, Step.StopAgent.class, survivor), onBus,
              survivorUnit, then),
          String.format("  %2d. via: %sStartUnit(\"%s%s", stepNumber(plan, Step.StartAgent.class, survivor), onBus,
              survivorUnit, then),
          String.format("  %2d. via: local: write %d bytes to a new %s/.peers.json.<random>.consul-watchdog-tmp"
              + " (created exclusively, never through a link; mode 0644, fsync, owner and group of %s when root),"
              + " then rename it to %s/peers.json (refused if %s/peers.json or %s is a symbolic link)",
              stepNumber(plan, Step.WritePeersJson.class, survivor), peersJsonBytes(plan), raft, raft, raft, raft,
              raft));
      described.forEach(line -> System.out.println("e2e systemd: " + line));
    }
  }

  /** The unit of a lab server. */
  private static String unit(String server) {
    return server + ".service";
  }

  private static SystemdExecutorConfig unitConfig(SystemdUserLab systemd, LabServer server) {
    return new SystemdExecutorConfig(unit(server.name()), "address", Optional.of(systemd.busAddress));
  }

  /** Writes the launcher a unit runs: consul.args plus -data-dir, in the foreground, pid in consul.pid. */
  private static Path writeLauncher(Path dir) throws IOException {
    Path launcher = dir.resolve(LAUNCHER);
    Files.writeString(launcher, String.join("\n",
        "#!/bin/bash",
        "# " + LAUNCHER + " SERVER_DIR: runs one lab Consul server in the foreground for a systemd unit, with the",
        "# argv ctl.sh start uses (consul.args, one per line, then -data-dir); writes its pid (consul's, after",
        "# exec) to consul.pid as ctl.sh does, and appends consul's output to consul.log.",
        "set -euo pipefail",
        "here=$1",
        "mapfile -t cmd < \"$here/consul.args\"",
        "mkdir -p \"$here/data\"",
        "printf '%s " + UNIT_START_LINE + " (pid %s)\\n' \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" \"$$\" \\",
        "  >> \"$here/consul.log\"",
        "printf '%s\\n' \"$$\" > \"$here/consul.pid.tmp\"",
        "mv -f \"$here/consul.pid.tmp\" \"$here/consul.pid\"",
        "exec \"${cmd[@]}\" \"-data-dir=$here/data\" >> \"$here/consul.log\" 2>&1 < /dev/null",
        ""));
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    return launcher;
  }

  /** Installs the server's unit and starts it with systemctl (test setup, not the watchdog). */
  private static void runAsUnit(SystemdUserLab systemd, Path launcher, LabServer server) throws Exception {
    systemd.install(unit(server.name()), String.join("\n",
        "[Unit]",
        "Description=consul-watchdog lab Consul server " + server,
        "[Service]",
        "Type=simple",
        "ExecStart=/bin/bash \"" + launcher + "\" \"" + server.dir() + "\"",
        "KillSignal=SIGTERM",
        "TimeoutStopSec=20",
        ""));
    systemd.systemctl("start", unit(server.name()));
    long deadline = System.nanoTime() + UNIT_UP_TIMEOUT.toNanos();
    while (!(server.running() && server.pid().getAsLong() == mainPid(systemd, server))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(unit(server.name()) + " did not run consul within " + UNIT_UP_TIMEOUT + ": "
            + systemd.systemctl("show", "-p", "ActiveState,SubState,MainPID,Result", unit(server.name())));
      }
      Thread.sleep(100);
    }
  }

  private static long mainPid(SystemdUserLab systemd, LabServer server) throws Exception {
    return Long.parseLong(systemd.systemctl("show", "-p", "MainPID", "--value", unit(server.name())).strip());
  }

  private static long count(String text, String line) {
    return Pattern.compile(Pattern.quote(line)).matcher(text).results().count();
  }
}
