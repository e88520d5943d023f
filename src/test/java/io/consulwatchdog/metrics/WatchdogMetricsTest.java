package io.consulwatchdog.metrics;

import static io.consulwatchdog.observe.ObservationBuilder.server;
import static io.consulwatchdog.observe.ObservationBuilder.snapshot;
import static io.consulwatchdog.observe.ObservationBuilder.voter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WatchdogMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void scrapeShowsDiagnosisLeaderVotersErrorsAndRecoveries() {
    WatchdogMetrics metrics = new WatchdogMetrics(registry, Clock.fixed(NOW.plusSeconds(90), ZoneOffset.UTC));
    ClusterSnapshot healthy = snapshot(NOW.minusSeconds(10),
        server("s1", 1).leader().configuration(voter("s1", 1), voter("s2", 2)),
        server("s2", 2).sees("127.0.0.1:8300").configuration(voter("s1", 1), voter("s2", 2)));
    metrics.recordPoll(healthy, diagnose(healthy));
    ClusterSnapshot broken = snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("20s").configuration(voter("s1", 1), voter("s2", 2)),
        server("s2", 2).unreachable(Reachability.TIMEOUT));
    metrics.recordPoll(broken, diagnose(broken));
    metrics.recoveryStarted("dc1", "peers-json");
    metrics.recoveryFinished("dc1", "peers-json", true, Duration.ofSeconds(4));
    metrics.recoveryState("dc1", "COOLDOWN");
    metrics.escalated("dc1");

    String text = registry.scrape();
    assertThat(text)
        .contains("consul_watchdog_diagnosis{cluster=\"dc1\",state=\"UNOBSERVABLE\"} 1.0")
        .contains("consul_watchdog_diagnosis{cluster=\"dc1\",state=\"HEALTHY\"} 0.0")
        .contains("consul_watchdog_leader_present{cluster=\"dc1\"} 0.0")
        .contains("consul_watchdog_servers_reachable{cluster=\"dc1\"} 1.0")
        .contains("consul_watchdog_live_voters{cluster=\"dc1\"} 1.0")
        .contains("consul_watchdog_poll_errors_total{cluster=\"dc1\",reason=\"timeout\",server=\"s2\"} 1.0")
        .contains("consul_watchdog_poll_duration_seconds_count{cluster=\"dc1\"} 2")
        .contains("consul_watchdog_recoveries_started_total{cluster=\"dc1\",strategy=\"peers-json\"} 1.0")
        .contains("consul_watchdog_recoveries_succeeded_total{cluster=\"dc1\",strategy=\"peers-json\"} 1.0")
        .contains("consul_watchdog_recovery_state{cluster=\"dc1\",state=\"COOLDOWN\"} 1.0")
        .contains("consul_watchdog_escalations_total{cluster=\"dc1\"} 1.0")
        .doesNotContain("seconds_since_leader");
  }

  @Test
  void registeredClusterHasEveryCounterAtZeroBeforeItsFirstPoll() {
    WatchdogMetrics metrics = new WatchdogMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
    metrics.registerCluster(cluster("dc1", "s1", "s2"));

    Scrape scrape = Scrape.parse(registry.scrape());
    for (String strategy : ConfigLoader.STRATEGIES) {
      for (String counter : List.of("recoveries_started", "recoveries_succeeded", "recoveries_failed", "dry_run_plans")) {
        assertThat(scrape.value("consul_watchdog_" + counter + "_total", Map.of("cluster", "dc1", "strategy", strategy)))
            .as(counter + " " + strategy).contains(0.0);
      }
      assertThat(scrape.value("consul_watchdog_recovery_duration_seconds_count",
          Map.of("cluster", "dc1", "strategy", strategy, "outcome", "failed"))).contains(0.0);
    }
    assertThat(scrape.value("consul_watchdog_escalations_total", Map.of("cluster", "dc1"))).contains(0.0);
    for (String server : List.of("s1", "s2")) {
      for (String reason : List.of("refused", "timeout", "garbage", "http_error", "error", "endpoint")) {
        assertThat(scrape.value("consul_watchdog_poll_errors_total",
            Map.of("cluster", "dc1", "server", server, "reason", reason))).as(server + " " + reason).contains(0.0);
      }
      assertThat(scrape.value("consul_watchdog_node_name_mismatch", Map.of("cluster", "dc1", "server", server)))
          .contains(0.0);
    }
    for (String step : List.of("stop-agent", "write-peers-json", "verify-data-readable", "restart-client")) {
      assertThat(scrape.value("consul_watchdog_recovery_steps_total",
          Map.of("cluster", "dc1", "step", step, "result", "failed"))).as(step).contains(0.0);
    }
    assertThat(scrape.named("consul_watchdog_recovery_steps_total")).hasSize(2 * StepKinds.all().size());
    assertThat(scrape.value("consul_watchdog_recovery_blocked", Map.of("cluster", "dc1", "reason", "node_name_mismatch")))
        .contains(0.0);
    assertThat(scrape.value("consul_watchdog_poll_duration_seconds_count", Map.of("cluster", "dc1"))).contains(0.0);
    assertThat(scrape.value("consul_watchdog_last_poll_timestamp_seconds", Map.of("cluster", "dc1"))).contains(0.0);
    assertThat(scrape.value("consul_watchdog_last_leader_seen_timestamp_seconds", Map.of("cluster", "dc1")))
        .contains(0.0);
    assertThat(scrape.value("consul_watchdog_poll_interval_seconds", Map.of("cluster", "dc1"))).contains(5.0);
    assertThat(scrape.value("consul_watchdog_recovery_state", Map.of("cluster", "dc1", "state", "IDLE"))).contains(1.0);
  }

  @Test
  void buildInfoCarriesTheVersionOfThisBuild() {
    new WatchdogMetrics(registry, Clock.systemUTC());
    String version = System.getProperty("project.version");
    assertThat(version).as("surefire passes the POM's version").isNotBlank();
    assertThat(Scrape.parse(registry.scrape()).value("consul_watchdog_build_info", Map.of("version", version)))
        .contains(1.0);
  }

  @Test
  void lastPollAndLastLeaderSeenAreUnixTimestamps() {
    MutableClock clock = new MutableClock(NOW);
    WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
    ClusterSnapshot healthy = snapshot(NOW.minusSeconds(1),
        server("s1", 1).leader().configuration(voter("s1", 1)));
    metrics.recordPoll(healthy, diagnose(healthy));
    clock.advance(Duration.ofSeconds(60));
    ClusterSnapshot down = snapshot(NOW.plusSeconds(59), server("s1", 1).unreachable(Reachability.REFUSED));
    metrics.recordPoll(down, diagnose(down));

    Scrape scrape = Scrape.parse(registry.scrape());
    Map<String, String> dc1 = Map.of("cluster", "dc1");
    assertThat(scrape.value("consul_watchdog_last_poll_timestamp_seconds", dc1))
        .contains((double) NOW.plusSeconds(60).getEpochSecond());
    assertThat(scrape.value("consul_watchdog_last_leader_seen_timestamp_seconds", dc1))
        .contains((double) NOW.minusSeconds(1).getEpochSecond());
  }

  @Test
  void pollDurationIsAHistogramFrom10MillisecondsTo10Seconds() {
    WatchdogMetrics metrics = new WatchdogMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
    ClusterSnapshot s = snapshot(NOW, server("s1", 1).leader().configuration(voter("s1", 1)));
    metrics.recordPoll(new ClusterSnapshot(s.cluster(), s.observedAt(), Duration.ofMillis(30), s.servers()),
        diagnose(s));

    Scrape scrape = Scrape.parse(registry.scrape());
    String bucket = "consul_watchdog_poll_duration_seconds_bucket";
    assertThat(scrape.value(bucket, Map.of("cluster", "dc1", "le", "0.01"))).contains(0.0);
    assertThat(scrape.value(bucket, Map.of("cluster", "dc1", "le", "0.025"))).contains(0.0);
    assertThat(scrape.value(bucket, Map.of("cluster", "dc1", "le", "0.05"))).contains(1.0);
    assertThat(scrape.value(bucket, Map.of("cluster", "dc1", "le", "10.0"))).contains(1.0);
    assertThat(scrape.value(bucket, Map.of("cluster", "dc1", "le", "+Inf"))).contains(1.0);
    assertThat(scrape.named(bucket)).hasSize(WatchdogMetrics.POLL_BUCKETS.size() + 1);
  }

  @Test
  void effectiveModeIsOneForTheCurrentModeOnly() {
    WatchdogMetrics metrics = new WatchdogMetrics(registry, Clock.systemUTC());
    metrics.effectiveMode("dc1", "dry-run");
    Scrape before = Scrape.parse(registry.scrape());
    metrics.effectiveMode("dc1", "paused");
    Scrape after = Scrape.parse(registry.scrape());

    for (String mode : WatchdogMetrics.EFFECTIVE_MODES) {
      Map<String, String> labels = Map.of("cluster", "dc1", "mode", mode);
      assertThat(before.value("consul_watchdog_effective_mode", labels)).as(mode)
          .contains(mode.equals("dry-run") ? 1.0 : 0.0);
      assertThat(after.value("consul_watchdog_effective_mode", labels)).as(mode)
          .contains(mode.equals("paused") ? 1.0 : 0.0);
    }
    assertThat(WatchdogMetrics.EFFECTIVE_MODES).containsExactly("auto", "dry-run", "detect-only", "paused", "maintenance");
    assertThatThrownBy(() -> metrics.effectiveMode("dc1", "dryrun")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dryrun");
  }

  @Test
  void nodeNameMismatchAndRecoveryBlockedFollowTheirSetters() {
    WatchdogMetrics metrics = new WatchdogMetrics(registry, Clock.systemUTC());
    metrics.nodeNameMismatch("dc1", "s2", true);
    metrics.recoveryBlocked("dc1", "node_name_mismatch", true);
    metrics.recoveryBlocked("dc1", "paused", true);
    metrics.recoveryBlocked("dc1", "paused", false);

    Scrape scrape = Scrape.parse(registry.scrape());
    assertThat(scrape.value("consul_watchdog_node_name_mismatch", Map.of("cluster", "dc1", "server", "s2")))
        .contains(1.0);
    assertThat(scrape.value("consul_watchdog_recovery_blocked", Map.of("cluster", "dc1", "reason", "node_name_mismatch")))
        .contains(1.0);
    assertThat(scrape.value("consul_watchdog_recovery_blocked", Map.of("cluster", "dc1", "reason", "paused")))
        .contains(0.0);
    assertThatThrownBy(() -> metrics.recoveryBlocked("dc1", "Name Mismatch", true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jvmAndProcessMetricsAreExportedOnceBound() throws Exception {
    WatchdogMetrics metrics = new WatchdogMetrics(registry, Clock.systemUTC());
    try (AutoCloseable jvm = metrics.bindJvmAndProcessMetrics()) {
      Scrape scrape = Scrape.parse(registry.scrape());
      for (String name : List.of("jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_classes_loaded_classes",
          "process_cpu_usage", "system_cpu_count", "process_uptime_seconds", "process_files_open_files")) {
        assertThat(scrape.named(name)).as(name).isNotEmpty();
      }
    }
  }

  @Test
  void aClusterRemovedByAReloadLosesItsSeriesAndAChangedOneLosesOnlyServersNoLongerConfigured() {
    WatchdogMetrics metrics = new WatchdogMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
    metrics.registerCluster(cluster("dc1", "s1", "s2"));
    metrics.registerCluster(cluster("dc2", "t1"));
    metrics.recoveryStarted("dc1", "peers-json");
    metrics.effectiveMode("dc2", "auto");

    metrics.unregisterCluster("dc2");
    metrics.registerCluster(cluster("dc1", "s1", "s3"));
    metrics.retainServers(cluster("dc1", "s1", "s3"));

    String text = registry.scrape();
    assertThat(text).doesNotContain("cluster=\"dc2\"");
    assertThat(text).doesNotContain("server=\"s2\"").contains("server=\"s3\"").contains("server=\"s1\"");
    assertThat(text).as("counters of a changed cluster go on")
        .contains("consul_watchdog_recoveries_started_total{cluster=\"dc1\",strategy=\"peers-json\"} 1.0");

    metrics.registerCluster(cluster("dc2", "t1")); // added again by a later reload
    metrics.effectiveMode("dc2", "paused");
    assertThat(registry.scrape()).contains("consul_watchdog_effective_mode{cluster=\"dc2\",mode=\"paused\"} 1.0")
        .contains("consul_watchdog_node_name_mismatch{cluster=\"dc2\",server=\"t1\"} 0.0");
  }

  static ClusterConfig cluster(String name, String... servers) {
    List<ServerConfig> configured = Arrays.stream(servers)
        .map(s -> new ServerConfig(s, URI.create("http://127.0.0.1:8500"), Optional.empty(), new NoExecutorConfig()))
        .toList();
    return new ClusterConfig(name, configured, List.of(), Duration.ofSeconds(5), Duration.ofSeconds(3),
        Optional.empty(), TlsConfig.defaults(), RecoveryConfig.defaults());
  }

  private static Verdict diagnose(ClusterSnapshot s) {
    return new ClusterDiagnoser().diagnose(s, History.empty(), s.observedAt(), Duration.ofSeconds(30));
  }
}
