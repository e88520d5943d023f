package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.Fixtures;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.daemon.Daemon;
import io.consulwatchdog.decide.Pause;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import io.consulwatchdog.recover.AuditEvent;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.PauseStore;
import io.consulwatchdog.recover.RecoveryStatusStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, pause, resume, ack and history against a real daemon (whose one server does not answer). */
class ControlCommandsTest {
  private static final String USER = System.getenv().getOrDefault("SUDO_USER", System.getProperty("user.name"));
  @TempDir Path dir;

  private Path config(boolean withToken) throws Exception {
    Path token = dir.resolve("control.token");
    Files.writeString(token, "t0ken-of-the-control-api\n");
    Path file = dir.resolve(withToken ? "config.yml" : "no-token.yml");
    // listen_address is port 1, where nothing listens: the commands below are given the daemon's --address
    Files.writeString(file, "state_dir: " + dir.resolve("state") + "\nlisten_address: 127.0.0.1:1\n"
        + (withToken ? "control_token_file: " + token + "\n" : "")
        + "clusters:\n  - name: dc1\n    poll_interval: 300ms\n    request_timeout: 1s\n    recovery: {mode: dry-run}\n"
        + "    servers:\n      - {name: s1, http_address: \"http://127.0.0.1:1\","
        + " executor: {type: local, stop: [/bin/false], start: [/bin/false]}}\n");
    return file;
  }

  private static Daemon start(Path config) throws Exception {
    return Daemon.start(new ConfigLoader().load(config).withListenAddress("127.0.0.1:0"));
  }

  @Test
  void pauseStatusAndResumeGoThroughTheRunningDaemon() throws Exception {
    Path config = config(true);
    try (Daemon d = start(config)) {
      String address = d.listenAddress();
      await().atMost(Duration.ofSeconds(10)).until(() -> d.latest("dc1").isPresent());

      CliRun paused = CliRun.of("pause", "--config", config.toString(), "--address", address, "dc1", "--for", "2h",
          "--reason", "replacing disks");
      assertThat(paused.exit()).as(paused.err()).isZero();
      assertThat(paused.out()).contains("cluster dc1: paused by " + USER + " until ").contains("replacing disks")
          .contains("mode: paused");
      assertThat(new PauseStore(dir.resolve("state")).load("dc1")).hasValueSatisfying(p -> {
        assertThat(p.owner()).isEqualTo(USER);
        assertThat(p.until()).isAfter(Instant.now().plus(Duration.ofMinutes(119)));
      });

      CliRun status = CliRun.of("status", "--config", config.toString(), "--address", address);
      assertThat(status.exit()).as(status.err()).isZero();
      assertThat(status.out()).contains("cluster dc1: UNOBSERVABLE").contains("mode: paused (paused by " + USER)
          .contains("recovery: IDLE").contains("s1").contains("REFUSED");
      CliRun json = CliRun.of("status", "--config", config.toString(), "--address", address, "--json");
      JsonNode body = JsonMapper.compact().readTree(json.out());
      assertThat(body.path("clusters").path("dc1").path("mode").path("mode").asText()).isEqualTo("paused");

      CliRun resumed = CliRun.of("resume", "--config", config.toString(), "--address", address, "dc1");
      assertThat(resumed.exit()).as(resumed.err()).isZero();
      assertThat(resumed.out()).contains("cluster dc1: resumed").contains("mode: dry-run");
      assertThat(CliRun.of("resume", "--config", config.toString(), "--address", address, "dc1").out())
          .contains("was not paused");

      CliRun bad = CliRun.of("pause", "--config", config.toString(), "--address", address, "dc1", "--for", "8d", "--reason", "x");
      assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
      CliRun unknown = CliRun.of("pause", "--config", config.toString(), "--address", address, "dc9", "--for", "1h", "--reason", "x");
      assertThat(unknown.exit()).isEqualTo(ExitCodes.USAGE);
      assertThat(unknown.err()).contains("dc9");
    }
  }

  @Test
  void withoutADaemonPauseSaysSoAndWithoutATokenFileItNamesTheKey() throws Exception {
    CliRun down = CliRun.of("pause", "--config", config(true).toString(), "dc1", "--for", "1h", "--reason", "x");
    assertThat(down.exit()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(down.err()).contains("no daemon answers on 127.0.0.1:1");
    CliRun noToken = CliRun.of("pause", "--config", config(false).toString(), "dc1", "--for", "1h", "--reason", "x");
    assertThat(noToken.exit()).isEqualTo(ExitCodes.CONFIG);
    assertThat(noToken.err()).contains("control_token_file");
  }

  private void escalate() {
    Instant t = Instant.now().minusSeconds(60);
    new RecoveryStatusStore(dir.resolve("state")).save(new RecoveryStatus("dc1", RecoveryState.ESCALATED, t,
        Optional.of("r7"), Optional.empty(), List.of(t, t), true, Optional.empty()));
  }

  @Test
  void ackPrefersTheDaemonAndFallsBackToTheStateFileWhenNoneRuns() throws Exception {
    Path config = config(true);
    escalate();
    try (Daemon d = start(config)) {
      CliRun acked = CliRun.of("ack", "--config", config.toString(), "--address", d.listenAddress(), "dc1", "--note", "fixed");
      assertThat(acked.exit()).as(acked.err()).isZero();
      assertThat(acked.out()).contains("through the running daemon").contains("ESCALATED -> IDLE");
    }
    escalate();
    CliRun offline = CliRun.of("ack", "--config", config.toString(), "dc1");
    assertThat(offline.exit()).as(offline.err()).isZero();
    assertThat(offline.out()).contains("no daemon answers on 127.0.0.1:1").contains("ESCALATED -> IDLE");
    assertThat(new RecoveryStatusStore(dir.resolve("state")).load("dc1").orElseThrow().state())
        .isEqualTo(RecoveryState.IDLE);
    assertThat(new AuditJournal(dir.resolve("state"), "dc1", Clock.systemUTC()).read(AuditEvent.Acknowledged.class))
        .hasSize(2);
  }

  @Test
  void aTokenTheCommandCannotReadIsAnErrorNotAReasonToGoAroundTheDaemon() throws Exception {
    // the systemd credential only the service can read: ack must not edit state.json behind a daemon's back
    Path config = Files.writeString(dir.resolve("credential.yml"), Files.readString(config(true))
        .replace("control_token_file: " + dir.resolve("control.token"),
            "control_token_file: ${CREDENTIALS_DIRECTORY}/control-token"));
    escalate();
    CliRun acked = CliRun.of("ack", "--config", config.toString(), "dc1");
    assertThat(acked.exit()).as(acked.out()).isEqualTo(ExitCodes.NO_PERMISSION);
    assertThat(acked.err()).contains("${CREDENTIALS_DIRECTORY}/control-token")
        .contains("CREDENTIALS_DIRECTORY=/run/credentials/consul-watchdog.service");
    assertThat(new RecoveryStatusStore(dir.resolve("state")).load("dc1").orElseThrow().state())
        .isEqualTo(RecoveryState.ESCALATED);
    CliRun paused = CliRun.of("pause", "--config", config.toString(), "dc1", "--for", "1h", "--reason", "x");
    assertThat(paused.exit()).isEqualTo(ExitCodes.NO_PERMISSION);
    assertThat(paused.err()).contains("only the service can read");
  }

  @Test
  void historyPrintsTheJournalsRecoveriesAsATable() throws Exception {
    Path config = config(true);
    Fixtures.MutableClock clock = new Fixtures.MutableClock(Fixtures.T0);
    AuditJournal journal = new AuditJournal(dir.resolve("state"), "dc1", clock);
    RecoveryPlan plan = new RecoveryPlan("20261125T210000Z-ab12", "dc1", "restart-down-servers", "test", Fixtures.T0,
        List.of(new Step.StartAgent("s2", Duration.ofSeconds(60)), new Step.WaitForLeader(Duration.ofSeconds(60))));
    journal.recoveryPlanned(plan, false);
    journal.stepStarted(plan.id(), 0, plan.steps().get(0));
    clock.advance(Duration.ofSeconds(3));
    journal.stepFinished(plan.id(), 0, plan.steps().get(0), ExecutionResult.failed("unit failed", Duration.ofSeconds(3)));
    journal.recoveryFinished(plan.id(), AuditEvent.FAILED, "step 1 failed");

    CliRun history = CliRun.of("history", "--config", config.toString(), "dc1");
    assertThat(history.exit()).as(history.err()).isZero();
    List<String> lines = history.out().lines().toList();
    assertThat(lines.get(0)).contains("ID", "STRATEGY", "START", "END", "OUTCOME", "STEPS", "UNDONE");
    assertThat(lines.get(1)).contains("20261125T210000Z-ab12", "restart-down-servers", "2026-11-25T21:00:00Z",
        "2026-11-25T21:00:03Z", "FAILED", "1/2, step 1 failed");
    CliRun none = CliRun.of("history", "--config", config.toString(), "dc1", "--json");
    assertThat(JsonMapper.compact().readTree(none.out()).get(0).path("outcome").asText()).isEqualTo("FAILED");
  }

  @Test
  void checkPrintsTheEffectiveModeOfEachCluster() throws Exception {
    Path config = config(true);
    new PauseStore(dir.resolve("state")).save("dc1", new Pause("alice", "disks",
        Instant.now(), Instant.now().plus(Duration.ofHours(1))));
    CliRun check = CliRun.of("check", "--config", config.toString());
    assertThat(check.out()).contains("cluster dc1: UNOBSERVABLE").contains("mode: paused (paused by alice");
  }
}
