package io.consulwatchdog.metrics;

import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.ServerObservation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;

/** Every metric the watchdog exports, named after Prometheus conventions, tagged by cluster. */
public final class WatchdogMetrics {

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, ClusterGauges> clusters = new ConcurrentHashMap<>();

  /** Creates the metrics on a registry; the clock is used for "seconds since" gauges. */
  public WatchdogMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /** Records one poll: its duration, its errors by server and reason, and the verdict's gauges. */
  public void recordPoll(ClusterSnapshot snapshot, Verdict verdict) {
    ClusterGauges g = gauges(snapshot.cluster());
    Timer.builder("consul_watchdog_poll_duration")
        .description("Time to observe every server of a cluster once")
        .tag("cluster", snapshot.cluster())
        .register(registry)
        .record(snapshot.took());
    for (ServerObservation server : snapshot.servers()) {
      if (!server.reachable()) {
        pollError(snapshot.cluster(), server.name(), server.reachability().name().toLowerCase());
      }
      server.requestErrors().keySet().forEach(endpoint -> pollError(snapshot.cluster(), server.name(), "endpoint"));
    }
    g.verdict.set(verdict);
    if (verdict.leader().isPresent()) {
      g.lastLeaderSeen.set(verdict.at());
    }
  }

  /** Sets the recovery state shown by consul_watchdog_recovery_state. */
  public void recoveryState(String cluster, String state) {
    gauges(cluster).recoveryState.set(state);
  }

  /** Counts a recovery that started with a strategy. */
  public void recoveryStarted(String cluster, String strategy) {
    counter("consul_watchdog_recoveries_started", "Recoveries started", cluster, "strategy", strategy).increment();
  }

  /** Counts a recovery's end and records its duration. */
  public void recoveryFinished(String cluster, String strategy, boolean succeeded, Duration took) {
    String outcome = succeeded ? "succeeded" : "failed";
    counter("consul_watchdog_recoveries_" + outcome, "Recoveries " + outcome, cluster, "strategy", strategy)
        .increment();
    Timer.builder("consul_watchdog_recovery_duration")
        .description("Time from recovery start to its end")
        .tags(Tags.of("cluster", cluster, "strategy", strategy, "outcome", outcome))
        .register(registry)
        .record(took);
  }

  /** Counts one executed recovery step by kind and result. */
  public void stepExecuted(String cluster, String step, boolean succeeded) {
    Counter.builder("consul_watchdog_recovery_steps")
        .description("Recovery steps executed")
        .tags(Tags.of("cluster", cluster, "step", step, "result", succeeded ? "ok" : "failed"))
        .register(registry)
        .increment();
  }

  /** Counts a plan produced in dry-run mode instead of being executed. */
  public void dryRunPlan(String cluster, String strategy) {
    counter("consul_watchdog_dry_run_plans", "Plans produced in dry-run mode", cluster, "strategy", strategy)
        .increment();
  }

  /** Counts an escalation to an operator. */
  public void escalated(String cluster) {
    Counter.builder("consul_watchdog_escalations")
        .description("Times automatic recovery gave up and waited for an operator")
        .tag("cluster", cluster)
        .register(registry)
        .increment();
  }

  private void pollError(String cluster, String server, String reason) {
    Counter.builder("consul_watchdog_poll_errors")
        .description("Failed observations by server and reason")
        .tags(Tags.of("cluster", cluster, "server", server, "reason", reason))
        .register(registry)
        .increment();
  }

  private Counter counter(String name, String description, String cluster, String tag, String value) {
    return Counter.builder(name).description(description).tags(Tags.of("cluster", cluster, tag, value)).register(registry);
  }

  private ClusterGauges gauges(String cluster) {
    return clusters.computeIfAbsent(cluster, this::registerGauges);
  }

  private ClusterGauges registerGauges(String cluster) {
    ClusterGauges g = new ClusterGauges();
    Tags tags = Tags.of("cluster", cluster);
    for (DiagnosisCode code : DiagnosisCode.values()) {
      Gauge.builder("consul_watchdog_diagnosis", g, x -> x.is(code) ? 1 : 0)
          .description("1 for the cluster's current diagnosis, 0 for the others")
          .tags(tags.and("state", code.name()))
          .register(registry);
    }
    Gauge.builder("consul_watchdog_leader_present", g, x -> x.value(v -> v.leader().isPresent() ? 1 : 0))
        .description("1 when the servers agree on a leader").tags(tags).register(registry);
    Gauge.builder("consul_watchdog_servers_configured", g, x -> x.value(Verdict::configuredServers))
        .description("Servers in the watchdog's config").tags(tags).register(registry);
    Gauge.builder("consul_watchdog_servers_reachable", g, x -> x.value(Verdict::reachableServers))
        .description("Servers that answered the last poll").tags(tags).register(registry);
    Gauge.builder("consul_watchdog_voters", g, x -> x.value(Verdict::voters))
        .description("Voters in the most up-to-date raft configuration seen").tags(tags).register(registry);
    Gauge.builder("consul_watchdog_live_voters", g, x -> x.value(Verdict::liveVoters))
        .description("Voters that answered the last poll").tags(tags).register(registry);
    Gauge.builder("consul_watchdog_seconds_since_leader", g, x -> x.secondsSinceLeader(clock.instant()))
        .description("Seconds since a poll last saw a leader (NaN before the first)").tags(tags).register(registry);
    for (String state : RECOVERY_STATES) {
      Gauge.builder("consul_watchdog_recovery_state", g, x -> state.equals(x.recoveryState.get()) ? 1 : 0)
          .description("1 for the recovery state machine's current state").tags(tags.and("state", state))
          .register(registry);
    }
    return g;
  }

  /** The recovery states, as named by the recovery state machine. */
  public static final List<String> RECOVERY_STATES = List.of(
      "IDLE", "SUSPECT", "CONFIRMED", "RECOVERING", "VERIFYING", "COOLDOWN", "FAILED", "ESCALATED");

  private static final class ClusterGauges {
    final AtomicReference<Verdict> verdict = new AtomicReference<>();
    final AtomicReference<Instant> lastLeaderSeen = new AtomicReference<>();
    final AtomicReference<String> recoveryState = new AtomicReference<>("IDLE");

    boolean is(DiagnosisCode code) {
      Verdict v = verdict.get();
      return v != null && v.code() == code;
    }

    double value(ToDoubleFunction<Verdict> f) {
      Verdict v = verdict.get();
      return v == null ? Double.NaN : f.applyAsDouble(v);
    }

    double secondsSinceLeader(Instant now) {
      Instant seen = lastLeaderSeen.get();
      return seen == null ? Double.NaN : Duration.between(seen, now).toMillis() / 1000.0;
    }
  }
}
