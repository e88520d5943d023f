package io.consulwatchdog.metrics;

import static io.consulwatchdog.observe.ObservationBuilder.server;
import static io.consulwatchdog.observe.ObservationBuilder.snapshot;
import static io.consulwatchdog.observe.ObservationBuilder.voter;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.consul.Reachability;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class WatchdogMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  @Test
  void scrapeShowsDiagnosisLeaderVotersErrorsAndRecoveries() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
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
        .contains("consul_watchdog_seconds_since_leader{cluster=\"dc1\"} 100.0")
        .contains("consul_watchdog_poll_errors_total{cluster=\"dc1\",reason=\"timeout\",server=\"s2\"} 1.0")
        .contains("consul_watchdog_poll_duration_seconds_count{cluster=\"dc1\"} 2")
        .contains("consul_watchdog_recoveries_started_total{cluster=\"dc1\",strategy=\"peers-json\"} 1.0")
        .contains("consul_watchdog_recoveries_succeeded_total{cluster=\"dc1\",strategy=\"peers-json\"} 1.0")
        .contains("consul_watchdog_recovery_state{cluster=\"dc1\",state=\"COOLDOWN\"} 1.0")
        .contains("consul_watchdog_escalations_total{cluster=\"dc1\"} 1.0");
  }

  private static Verdict diagnose(ClusterSnapshot s) {
    return new ClusterDiagnoser().diagnose(s, History.empty(), s.observedAt(), Duration.ofSeconds(30));
  }
}
