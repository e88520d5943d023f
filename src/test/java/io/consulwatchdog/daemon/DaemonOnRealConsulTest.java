package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.consulwatchdog.cli.Main;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.LabCluster;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.recover.ClusterPoller;
import io.consulwatchdog.recover.ClusterReconciler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The daemon and `check` against a real Consul cluster that breaks while they watch. */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class DaemonOnRealConsulTest {
  @TempDir Path dir;

  private Path writeConfig(LabCluster lab) throws IOException {
    String servers = lab.servers().stream().map(s -> "      - name: " + s.name() + "\n        http_address: " + s.httpUri() + "\n")
        .collect(Collectors.joining());
    Path file = dir.resolve("config.yml");
    Files.writeString(file, "state_dir: " + dir.resolve("state") + "\n"
        + "listen_address: 127.0.0.1:0\n"
        + "clusters:\n  - name: lab\n    poll_interval: 500ms\n    request_timeout: 2s\n"
        + "    recovery: {leaderless_after: 5s}\n    servers:\n" + servers);
    return file;
  }

  private Path writeAutoConfig(LabCluster lab) throws IOException {
    String servers = lab.servers().stream().map(s -> "      - name: " + s.name() + "\n        http_address: " + s.httpUri()
        + "\n        data_dir: " + s.dataDir() + "\n        executor: {type: local, stop: [" + s.ctlScript() + ", stop], start: ["
        + s.ctlScript() + ", start], restart: [" + s.ctlScript() + ", restart]}\n").collect(Collectors.joining());
    Path file = dir.resolve("auto.yml");
    Files.writeString(file, "state_dir: " + dir.resolve("state") + "\n"
        + "listen_address: 127.0.0.1:0\n"
        + "clusters:\n  - name: lab\n    poll_interval: 1s\n    request_timeout: 2s\n"
        + "    recovery: {mode: auto, leaderless_after: 5s, confirm_polls: 3, confirm_window: 3s}\n    servers:\n" + servers);
    return file;
  }

  private static int check(Path config, StringWriter out) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(new StringWriter()));
    return cl.execute("check", "--config", config.toString());
  }

  private static long metricValue(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> (long) Double.parseDouble(l.substring(series.length() + 1).trim())).orElse(0L);
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  @Test
  void checkExitCodesFollowTheClusterState(LabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    Path config = writeConfig(lab);
    StringWriter out = new StringWriter();
    await().atMost(Duration.ofSeconds(10)).until(() -> check(config, new StringWriter()) == 0);
    assertThat(check(config, out)).isZero();
    assertThat(out.toString()).contains("cluster lab: HEALTHY").contains("Leader").contains("1.8.7");

    List<LabServer> servers = lab.servers();
    lab.kill(servers.get(1).name());
    lab.kill(servers.get(2).name());
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> check(config, new StringWriter()) == 2);
    StringWriter broken = new StringWriter();
    assertThat(check(config, broken)).isEqualTo(2);
    assertThat(broken.toString()).contains("QUORUM_LOST (VOTERS_DOWN)").contains("REFUSED");

    lab.kill(servers.get(0).name());
    assertThat(check(config, new StringWriter())).isEqualTo(3);
  }

  @Test
  void daemonLogsEachStateChangeOnceAndExportsIt(LabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    Logger monitorLog = (Logger) LoggerFactory.getLogger(ClusterPoller.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    monitorLog.addAppender(logs);
    WatchdogConfig config = new ConfigLoader().load(writeConfig(lab));
    try (Daemon watchdog = Daemon.start(config)) {
      String base = "http://" + watchdog.listenAddress();
      await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.latest("lab").map(v -> v.code() == DiagnosisCode.HEALTHY).orElse(false));
      assertThat(get(base + "/metrics")).contains("consul_watchdog_diagnosis{cluster=\"lab\",state=\"HEALTHY\"} 1.0")
          .contains("consul_watchdog_leader_present{cluster=\"lab\"} 1.0");

      List<LabServer> servers = lab.servers();
      lab.kill(servers.get(1).name());
      lab.kill(servers.get(2).name());
      await().atMost(Duration.ofSeconds(30)).until(() -> watchdog.latest("lab").map(v -> v.code() == DiagnosisCode.QUORUM_LOST).orElse(false));
      Thread.sleep(2000); // a few more polls in the same state

      assertThat(get(base + "/metrics")).contains("consul_watchdog_diagnosis{cluster=\"lab\",state=\"QUORUM_LOST\"} 1.0")
          .contains("consul_watchdog_live_voters{cluster=\"lab\"} 1.0")
          .contains("consul_watchdog_poll_errors_total{cluster=\"lab\",reason=\"refused\",server=\"" + servers.get(1).name() + "\"}");
      assertThat(get(base + "/health")).contains("\"status\" : \"UP\"").contains("QUORUM_LOST");
      List<String> changes = logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("State ")).toList();
      assertThat(changes.get(0)).startsWith("State (start) -> HEALTHY");
      assertThat(changes).anyMatch(m -> m.contains("-> QUORUM_LOST"));
      // one line per change of state, never one per poll: no two consecutive lines name the same new state
      List<String> targets = changes.stream().map(m -> m.replaceFirst("^State \\S+ -> (.*?) leader=.*$", "$1")).toList();
      for (int i = 1; i < targets.size(); i++) {
        assertThat(targets.get(i)).as("state lines %s", targets).isNotEqualTo(targets.get(i - 1));
      }
      long polls = metricValue(get(base + "/metrics"), "consul_watchdog_poll_duration_seconds_count{cluster=\"lab\"}");
      assertThat(changes.size()).as("state lines vs %d polls", polls).isLessThan((int) polls);
      // the topology was recorded while the leader was there
      assertThat(dir.resolve("state/lab/topology.json")).content().contains(servers.get(1).name());
    } finally {
      monitorLog.detachAppender(logs);
    }
  }

  @Test
  void daemonInAutoModeRestartsTwoCrashedServersAndAudits(LabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    lab.putKeys("before", 20);
    WatchdogConfig config = new ConfigLoader().load(writeAutoConfig(lab));
    try (Daemon watchdog = Daemon.start(config)) {
      String base = "http://" + watchdog.listenAddress();
      await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.latest("lab").map(v -> v.code() == DiagnosisCode.HEALTHY).orElse(false));
      List<LabServer> servers = lab.servers();
      lab.kill(servers.get(0).name());
      lab.kill(servers.get(1).name());
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> get(base + "/metrics").contains("consul_watchdog_recoveries_succeeded_total{cluster=\"lab\",strategy=\"restart-down-servers\"} 1.0"));
      await().atMost(Duration.ofSeconds(15)).until(() -> watchdog.latest("lab").map(v -> v.code() == DiagnosisCode.HEALTHY).orElse(false));
      assertThat(lab.readKeys("before")).hasSize(20);
      assertThat(get(base + "/health")).contains("COOLDOWN");
      String journal = Files.readString(dir.resolve("state/lab/audit.jsonl"));
      assertThat(journal).contains("restart-down-servers").contains("SUCCEEDED").contains(servers.get(0).name());
    }
  }

  private static String post(String url, String token, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void aPausedClusterOnlyLogsPlansAndRecoversOnceResumed(LabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    Path token = dir.resolve("control.token");
    Files.writeString(token, "lab-control-token\n");
    Path file = writeAutoConfig(lab);
    // cooldown 5s: the plan logged while paused starts a cooldown (as in dry-run mode); the recovery follows it
    Files.writeString(file, "control_token_file: " + token + "\n"
        + Files.readString(file).replace("confirm_window: 3s}", "confirm_window: 3s, cooldown: 5s}"));
    WatchdogConfig config = new ConfigLoader().load(file);
    try (Daemon watchdog = Daemon.start(config)) {
      String base = "http://" + watchdog.listenAddress();
      await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.latest("lab").map(v -> v.code() == DiagnosisCode.HEALTHY).orElse(false));
      String status = get(base + "/status");
      assertThat(status).contains("\"code\" : \"HEALTHY\"").contains("\"mode\" : \"auto\"");
      for (LabServer s : lab.servers()) {
        assertThat(status).as("a row per server").contains("\"name\" : \"" + s.name() + "\"");
      }
      assertThat(post(base + "/clusters/lab/pause", "lab-control-token",
          "{\"for\":\"1h\",\"reason\":\"lab maintenance\",\"owner\":\"tester\"}")).contains("\"mode\" : \"paused\"");

      List<LabServer> servers = lab.servers();
      lab.kill(servers.get(0).name());
      lab.kill(servers.get(1).name());
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> get(base + "/metrics").contains("consul_watchdog_dry_run_plans_total{cluster=\"lab\",strategy=\"restart-down-servers\"} 1.0"));
      assertThat(get(base + "/metrics")).contains("consul_watchdog_recoveries_started_total{cluster=\"lab\",strategy=\"restart-down-servers\"} 0.0")
          .contains("consul_watchdog_effective_mode{cluster=\"lab\",mode=\"paused\"} 1.0");
      assertThat(watchdog.latest("lab").orElseThrow().code()).as("nothing was restarted while paused")
          .isEqualTo(DiagnosisCode.QUORUM_LOST);
      assertThat(Files.readString(dir.resolve("state/lab/audit.jsonl"))).contains("DRY_RUN").contains("mode paused (paused by tester");

      assertThat(post(base + "/clusters/lab/resume", "lab-control-token", "{\"owner\":\"tester\"}")).contains("\"resumed\" : true");
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .until(() -> get(base + "/metrics").contains("consul_watchdog_recoveries_succeeded_total{cluster=\"lab\",strategy=\"restart-down-servers\"} 1.0"));
      await().atMost(Duration.ofSeconds(15)).until(() -> watchdog.latest("lab").map(v -> v.code() == DiagnosisCode.HEALTHY).orElse(false));
      String after = get(base + "/status");
      assertThat(after).contains("\"lastRecovery\"").contains("\"outcome\" : \"SUCCEEDED\"").contains("\"mode\" : \"auto\"");
    }
  }

  @Test
  void aReloadDuringARecoveryLeavesTheRecoveringClusterAloneAndAddsTheNewOne(LabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    lab.putKeys("before", 10);
    // each start waits 3 s first, so that the recovery is under way long enough to reload meanwhile
    String servers = lab.servers().stream().map(s -> "      - name: " + s.name() + "\n        http_address: "
        + s.httpUri() + "\n        executor: {type: local, stop: [" + s.ctlScript() + ", stop], start: [/bin/sh, -c, \"sleep 3 && "
        + s.ctlScript() + " start\"]}\n").collect(Collectors.joining());
    String lab1 = "clusters:\n  - name: lab\n    poll_interval: 1s\n    request_timeout: 2s\n"
        + "    recovery: {mode: auto, leaderless_after: 5s, confirm_polls: 3, confirm_window: 3s}\n    servers:\n" + servers;
    Path file = dir.resolve("reload.yml");
    String head = "state_dir: " + dir.resolve("state") + "\nlisten_address: 127.0.0.1:0\n";
    Files.writeString(file, head + lab1);
    try (Daemon watchdog = Daemon.start(new ConfigLoader().load(file))) {
      String base = "http://" + watchdog.listenAddress();
      await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.latest("lab").map(v -> v.code() == DiagnosisCode.HEALTHY).orElse(false));
      List<LabServer> killed = lab.servers();
      lab.kill(killed.get(0).name());
      lab.kill(killed.get(1).name());
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> watchdog.cluster("lab").orElseThrow().reconciler().state().state().inRecovery());
      ClusterReconciler recovering = watchdog.cluster("lab").orElseThrow().reconciler();

      Files.writeString(file, head + lab1 + "  - name: other\n    servers:\n      - {name: o1, http_address: \"http://127.0.0.1:1\"}\n");
      ConfigChange change = watchdog.reload(new ConfigLoader().load(file));

      assertThat(change.unchanged()).containsExactly("lab");
      assertThat(change.added()).containsExactly("other");
      assertThat(recovering.state().state().inRecovery()).as("still recovering after the reload").isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.latest("other").isPresent());
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
          .until(() -> get(base + "/metrics").contains("consul_watchdog_recoveries_succeeded_total{cluster=\"lab\",strategy=\"restart-down-servers\"} 1.0"));
      assertThat(watchdog.cluster("lab").orElseThrow().reconciler()).isSameAs(recovering);
      assertThat(get(base + "/metrics")).contains("consul_watchdog_recoveries_failed_total{cluster=\"lab\",strategy=\"restart-down-servers\"} 0.0");
      assertThat(lab.readKeys("before")).hasSize(10);
    }
  }
}
