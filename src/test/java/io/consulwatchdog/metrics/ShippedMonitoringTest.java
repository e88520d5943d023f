package io.consulwatchdog.metrics;

import static io.consulwatchdog.observe.ObservationBuilder.server;
import static io.consulwatchdog.observe.ObservationBuilder.snapshot;
import static io.consulwatchdog.observe.ObservationBuilder.voter;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.metrics.PromQlSelectors.LabelMatcher;
import io.consulwatchdog.metrics.PromQlSelectors.Selector;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped Prometheus rules and Grafana dashboard use only series the watchdog exports, so that
 * renaming a metric or a label value breaks the build instead of silencing an alert.
 */
class ShippedMonitoringTest {
  private static final Path ALERTS = Path.of("config/prometheus/alerts.yml");
  private static final List<Path> ALERT_TESTS =
      List.of(Path.of("config/prometheus/alerts.test.yml"), Path.of("config/prometheus/alerts-long.test.yml"));
  private static final Path DASHBOARD = Path.of("config/grafana/consul-watchdog.json");
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private AutoCloseable jvm;

  @AfterEach
  void unbind() throws Exception {
    if (jvm != null) {
      jvm.close();
    }
  }

  @Test
  void everySeriesTheAlertRulesSelectIsExported() throws IOException {
    List<String> expressions = new ArrayList<>();
    for (JsonNode group : JsonMapper.yaml().readTree(ALERTS.toFile()).path("groups")) {
      group.path("rules").forEach(rule -> expressions.add(rule.path("expr").asText()));
    }
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);

    assertEverySelectorIsExported(expressions, exported());
  }

  @Test
  void everySeriesTheDashboardQueriesIsExported() throws IOException {
    JsonNode dashboard = JsonMapper.compact().readTree(DASHBOARD.toFile());
    assertThat(dashboard.path("title").asText()).isEqualTo("consul-watchdog");
    List<String> expressions = new ArrayList<>();
    collectQueries(dashboard, expressions);
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(20);

    assertEverySelectorIsExported(expressions, exported());
  }

  @Test
  void everyAlertRuleHasPromtoolTests() throws IOException {
    Set<String> rules = new TreeSet<>();
    for (JsonNode group : JsonMapper.yaml().readTree(ALERTS.toFile()).path("groups")) {
      group.path("rules").forEach(rule -> rules.add(rule.path("alert").asText()));
    }
    Set<String> tested = new TreeSet<>();
    for (Path file : ALERT_TESTS) {
      JsonNode tests = JsonMapper.yaml().readTree(file.toFile());
      assertThat(tests.path("rule_files").get(0).asText()).isEqualTo("alerts.yml");
      tests.path("tests").forEach(t -> t.path("alert_rule_test").forEach(a -> tested.add(a.path("alertname").asText())));
    }
    assertThat(tested).isEqualTo(rules);
  }

  @Test
  void theCheckCatchesAWrongNameAndAWrongLabelValue() {
    Scrape exported = exported();
    assertThat(missing(List.of("consul_watchdog_seconds_since_leader > 60"), exported))
        .containsExactly("consul_watchdog_seconds_since_leader");
    assertThat(missing(List.of("consul_watchdog_diagnosis{state=~\"LEADERLESS|STUCK\"} == 1"), exported))
        .containsExactly("consul_watchdog_diagnosis{state=\"STUCK\"}");
    assertThat(missing(List.of("consul_watchdog_effective_mode{mode=\"dry_run\"} == 1"), exported))
        .containsExactly("consul_watchdog_effective_mode{mode=\"dry_run\"}");
    assertThat(missing(List.of("consul_watchdog_poll_errors_total{host=~\".+\"}"), exported))
        .containsExactly("consul_watchdog_poll_errors_total{host}");
    assertThat(missing(List.of("rate(consul_watchdog_poll_duration_seconds_bucket{cluster=~\"$cluster\"}[5m])"), exported))
        .isEmpty();
  }

  private void assertEverySelectorIsExported(List<String> expressions, Scrape exported) {
    assertThat(expressions.stream().flatMap(e -> PromQlSelectors.in(e).stream())).as("selectors found").isNotEmpty();
    assertThat(missing(expressions, exported)).as("series used but not exported").isEmpty();
  }

  /** The selectors (or label values) of the expressions that no exported series matches. */
  private static List<String> missing(List<String> expressions, Scrape exported) {
    List<String> missing = new ArrayList<>();
    for (String expression : expressions) {
      for (Selector selector : PromQlSelectors.in(expression)) {
        List<Scrape.Sample> series = exported.named(selector.metric());
        if (series.isEmpty()) {
          missing.add(selector.metric());
          continue;
        }
        for (LabelMatcher matcher : selector.matchers()) {
          if (matcher.label().equals("job") || matcher.label().equals("instance")) {
            continue; // added by Prometheus at scrape time
          }
          if (series.stream().noneMatch(s -> s.labels().containsKey(matcher.label()))) {
            missing.add(selector.metric() + "{" + matcher.label() + "}");
          }
          for (String value : matcher.requiredValues()) {
            if (series.stream().noneMatch(s -> value.equals(s.labels().get(matcher.label())))) {
              missing.add(selector.metric() + "{" + matcher.label() + "=\"" + value + "\"}");
            }
          }
        }
      }
    }
    return missing;
  }

  private static void collectQueries(JsonNode node, List<String> into) {
    if (node.isObject()) {
      node.fields().forEachRemaining(field -> {
        if (Stream.of("expr", "query", "definition").anyMatch(field.getKey()::equals) && field.getValue().isTextual()) {
          into.add(field.getValue().asText());
        } else {
          collectQueries(field.getValue(), into);
        }
      });
    } else if (node.isArray()) {
      node.forEach(child -> collectQueries(child, into));
    }
  }

  /** The daemon's registry after one recorded poll of a registered cluster. */
  private Scrape exported() {
    WatchdogMetrics metrics = new WatchdogMetrics(registry, Clock.fixed(NOW, ZoneOffset.UTC));
    if (jvm == null) {
      jvm = metrics.bindJvmAndProcessMetrics();
    }
    metrics.registerCluster(WatchdogMetricsTest.cluster("dc1", "s1"));
    metrics.effectiveMode("dc1", "auto");
    ClusterSnapshot healthy = snapshot(NOW, server("s1", 1).leader().configuration(voter("s1", 1)));
    metrics.recordPoll(healthy,
        new ClusterDiagnoser().diagnose(healthy, History.empty(), NOW, Duration.ofSeconds(30)));
    return Scrape.parse(registry.scrape());
  }
}
