package io.consulwatchdog.metrics;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.ServerObservation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.regex.Pattern;

/**
 * Every metric the watchdog exports, named after Prometheus conventions, tagged by cluster.
 *
 * <p>{@link #registerCluster} creates each cluster's counters at 0 before the first poll, so that
 * Prometheus' {@code increase()} sees the first failure.
 */
public final class WatchdogMetrics {

  /** The recovery states, as named by the recovery state machine. */
  public static final List<String> RECOVERY_STATES = List.of(
      "IDLE", "SUSPECT", "CONFIRMED", "RECOVERING", "VERIFYING", "COOLDOWN", "FAILED", "ESCALATED");
  /** The effective modes of consul_watchdog_effective_mode: the configured ones, plus paused and maintenance. */
  public static final List<String> EFFECTIVE_MODES =
      Arrays.stream(EffectiveMode.Kind.values()).map(EffectiveMode.Kind::label).toList();
  /** The recovery_blocked reason created at 0 for every cluster; others appear when first set. */
  public static final String NODE_NAME_MISMATCH = "node_name_mismatch";
  /** The reason label of a poll error that is not about reachability: one endpoint of an agent failed. */
  public static final String ENDPOINT_ERROR = "endpoint";
  /** Bucket bounds of consul_watchdog_poll_duration_seconds: 10 ms to 10 s. */
  static final List<Duration> POLL_BUCKETS = List.of(Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10));
  private static final Pattern REASON = Pattern.compile("[a-z][a-z0-9_]*");

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, ClusterGauges> clusters = new ConcurrentHashMap<>();
  private final Map<List<String>, AtomicReference<Boolean>> flags = new ConcurrentHashMap<>();

  /** Creates the metrics on a registry, with consul_watchdog_build_info; the clock stamps each recorded poll. */
  public WatchdogMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    registerBuildInfo(registry);
  }

  /**
   * consul_watchdog_build_info{version} = 1. Micrometer's Prometheus naming drops an "_info" suffix
   * from gauges, so on a Prometheus registry it is the client library's own info metric.
   */
  private static void registerBuildInfo(MeterRegistry registry) {
    String description = "Always 1; the version label tells the build running";
    if (registry instanceof PrometheusMeterRegistry prometheus) {
      Info.builder().name("consul_watchdog_build").help(description).labelNames("version")
          .register(prometheus.getPrometheusRegistry())
          .setLabelValues(BuildInfo.version());
    } else {
      Gauge.builder("consul_watchdog_build_info", () -> 1).description(description)
          .tag("version", BuildInfo.version()).register(registry);
    }
  }

  /**
   * Creates a cluster's series before its first poll: every counter at 0 (per known strategy, per
   * server and poll error reason, per step kind and result), the poll histogram, the timestamps at 0
   * (never), the poll interval, and node_name_mismatch at 0 for each server.
   */
  public void registerCluster(ClusterConfig cluster) {
    String name = cluster.name();
    gauges(name).pollInterval.set(cluster.pollInterval());
    pollTimer(name);
    for (String strategy : ConfigLoader.STRATEGIES) {
      counter("consul_watchdog_recoveries_started", "Recoveries started", name, "strategy", strategy);
      for (boolean succeeded : new boolean[] {true, false}) {
        counter("consul_watchdog_recoveries_" + outcome(succeeded), "Recoveries " + outcome(succeeded), name,
            "strategy", strategy);
        recoveryTimer(name, strategy, outcome(succeeded));
      }
      dryRunCounter(name, strategy);
    }
    for (String kind : StepKinds.all()) {
      stepCounter(name, kind, true);
      stepCounter(name, kind, false);
    }
    escalationCounter(name);
    for (ServerConfig server : cluster.servers()) {
      for (String reason : pollErrorReasons()) {
        pollErrorCounter(name, server.name(), reason);
      }
      nodeNameMismatch(name, server.name(), false);
    }
    recoveryBlocked(name, NODE_NAME_MISMATCH, false);
  }

  /** Removes every series of a cluster (a reload removed it from the config). */
  public void unregisterCluster(String cluster) {
    removeSeries(m -> cluster.equals(m.getId().getTag("cluster")));
    clusters.remove(cluster);
    flags.keySet().removeIf(key -> key.contains("cluster=" + cluster));
  }

  /** Removes a cluster's per-server series of servers it no longer has (a reload changed its servers). */
  public void retainServers(ClusterConfig cluster) {
    Set<String> kept = cluster.servers().stream().map(ServerConfig::name).collect(Collectors.toSet());
    removeSeries(m -> cluster.name().equals(m.getId().getTag("cluster")) && m.getId().getTag("server") != null
        && !kept.contains(m.getId().getTag("server")));
    flags.keySet().removeIf(key -> key.contains("cluster=" + cluster.name()) && key.stream()
        .anyMatch(part -> part.startsWith("server=") && !kept.contains(part.substring("server=".length()))));
  }

  private void removeSeries(Predicate<Meter> which) {
    registry.getMeters().stream().filter(which).toList().forEach(registry::remove);
  }

  /** Records one poll: its duration, its time, its errors by server and reason, and the verdict's gauges. */
  public void recordPoll(ClusterSnapshot snapshot, Verdict verdict) {
    ClusterGauges g = gauges(snapshot.cluster());
    pollTimer(snapshot.cluster()).record(snapshot.took());
    for (ServerObservation server : snapshot.servers()) {
      if (!server.reachable()) {
        pollErrorCounter(snapshot.cluster(), server.name(), reason(server.reachability())).increment();
      }
      server.requestErrors().keySet()
          .forEach(endpoint -> pollErrorCounter(snapshot.cluster(), server.name(), ENDPOINT_ERROR).increment());
    }
    g.verdict.set(verdict);
    g.lastPoll.set(clock.instant());
    if (verdict.leader().isPresent()) {
      g.lastLeaderSeen.set(verdict.at());
    }
  }

  /** Sets the recovery state shown by consul_watchdog_recovery_state. */
  public void recoveryState(String cluster, String state) {
    gauges(cluster).recoveryState.set(state);
  }

  /** Sets the mode the cluster runs in now, shown by consul_watchdog_effective_mode. */
  public void effectiveMode(String cluster, EffectiveMode.Kind mode) {
    effectiveMode(cluster, mode.label());
  }

  /** Sets the mode the cluster runs in now by its label (one of {@link #EFFECTIVE_MODES}). */
  public void effectiveMode(String cluster, String mode) {
    if (!EFFECTIVE_MODES.contains(mode)) {
      throw new IllegalArgumentException("effective mode must be one of " + EFFECTIVE_MODES + ", not " + mode);
    }
    gauges(cluster).effectiveMode.set(mode);
  }

  /** Sets whether a configured server's name differs from its agent's NodeName, which blocks recovery. */
  public void nodeNameMismatch(String cluster, String server, boolean mismatch) {
    flag("consul_watchdog_node_name_mismatch",
        "1 while the configured server name differs from the agent's NodeName (recovery blocked)",
        Tags.of("cluster", cluster, "server", server)).set(mismatch);
  }

  /** Sets whether a reason (snake_case, e.g. node_name_mismatch) blocks the cluster's recovery now. */
  public void recoveryBlocked(String cluster, String reason, boolean blocked) {
    if (!REASON.matcher(reason).matches()) {
      throw new IllegalArgumentException("recovery_blocked reason must be snake_case, not " + reason);
    }
    flag("consul_watchdog_recovery_blocked", "1 while this reason keeps the watchdog from recovering the cluster",
        Tags.of("cluster", cluster, "reason", reason)).set(blocked);
  }

  /**
   * Sets what the coordination lock of a cluster looks like from this watchdog: whether the coordination
   * store answers (consul_watchdog_coordination_available) and whether this watchdog holds the cluster's lock
   * (consul_watchdog_coordination_lock_held). A watchdog without coordination acts alone: 1 and 1.
   */
  public void coordination(String cluster, boolean available, boolean held) {
    flag("consul_watchdog_coordination_available",
        "1 while the coordination store answers (0: no new recovery starts)", Tags.of("cluster", cluster))
        .set(available);
    flag("consul_watchdog_coordination_lock_held", "1 while this watchdog holds the cluster's coordination lock",
        Tags.of("cluster", cluster)).set(held);
  }

  /** Counts a recovery that started with a strategy. */
  public void recoveryStarted(String cluster, String strategy) {
    counter("consul_watchdog_recoveries_started", "Recoveries started", cluster, "strategy", strategy).increment();
  }

  /** Counts a recovery's end and records its duration. */
  public void recoveryFinished(String cluster, String strategy, boolean succeeded, Duration took) {
    String outcome = outcome(succeeded);
    counter("consul_watchdog_recoveries_" + outcome, "Recoveries " + outcome, cluster, "strategy", strategy)
        .increment();
    recoveryTimer(cluster, strategy, outcome).record(took);
  }

  /** Records how long after a successful recovery started every voter was back (the cluster HEALTHY). */
  public void redundancyRestored(String cluster, Duration sinceRecoveryStart) {
    gauges(cluster).redundancyRestored.set(sinceRecoveryStart);
  }

  /** Counts one executed recovery step by kind and result. */
  public void stepExecuted(String cluster, String step, boolean succeeded) {
    stepCounter(cluster, step, succeeded).increment();
  }

  /** Counts a plan produced in dry-run mode instead of being executed. */
  public void dryRunPlan(String cluster, String strategy) {
    dryRunCounter(cluster, strategy).increment();
  }

  /** Counts an escalation to an operator. */
  public void escalated(String cluster) {
    escalationCounter(cluster).increment();
  }

  /**
   * Binds the JVM and process metrics (memory, GC, threads, classes, CPU, uptime, file descriptors)
   * to the registry; close the result on shutdown.
   */
  public AutoCloseable bindJvmAndProcessMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }

  private Timer pollTimer(String cluster) {
    return Timer.builder("consul_watchdog_poll_duration")
        .description("Time to observe every server of a cluster once")
        .tag("cluster", cluster)
        .serviceLevelObjectives(POLL_BUCKETS.toArray(Duration[]::new))
        .register(registry);
  }

  private Timer recoveryTimer(String cluster, String strategy, String outcome) {
    return Timer.builder("consul_watchdog_recovery_duration")
        .description("Time from recovery start to its end")
        .tags(Tags.of("cluster", cluster, "strategy", strategy, "outcome", outcome))
        .register(registry);
  }

  private Counter stepCounter(String cluster, String step, boolean succeeded) {
    return Counter.builder("consul_watchdog_recovery_steps")
        .description("Recovery steps executed")
        .tags(Tags.of("cluster", cluster, "step", step, "result", succeeded ? "ok" : "failed"))
        .register(registry);
  }

  private Counter dryRunCounter(String cluster, String strategy) {
    return counter("consul_watchdog_dry_run_plans", "Plans produced in dry-run mode", cluster, "strategy", strategy);
  }

  private Counter escalationCounter(String cluster) {
    return Counter.builder("consul_watchdog_escalations")
        .description("Times automatic recovery gave up and waited for an operator")
        .tag("cluster", cluster)
        .register(registry);
  }

  private Counter pollErrorCounter(String cluster, String server, String reason) {
    return Counter.builder("consul_watchdog_poll_errors")
        .description("Failed observations by server and reason")
        .tags(Tags.of("cluster", cluster, "server", server, "reason", reason))
        .register(registry);
  }

  private Counter counter(String name, String description, String cluster, String tag, String value) {
    return Counter.builder(name).description(description).tags(Tags.of("cluster", cluster, tag, value)).register(registry);
  }

  private AtomicReference<Boolean> flag(String name, String description, Tags tags) {
    List<String> key = new ArrayList<>();
    key.add(name);
    tags.forEach(t -> key.add(t.getKey() + "=" + t.getValue()));
    return flags.computeIfAbsent(List.copyOf(key), k -> {
      AtomicReference<Boolean> value = new AtomicReference<>(false);
      Gauge.builder(name, value, v -> v.get() ? 1 : 0).description(description).tags(tags).register(registry);
      return value;
    });
  }

  /** The poll error reasons: each way an agent can be unreachable, and a failed endpoint. */
  static List<String> pollErrorReasons() {
    List<String> reasons = new ArrayList<>();
    for (Reachability r : Reachability.values()) {
      if (r != Reachability.OK) {
        reasons.add(reason(r));
      }
    }
    reasons.add(ENDPOINT_ERROR);
    return reasons;
  }

  private static String reason(Reachability reachability) {
    return reachability.name().toLowerCase(Locale.ROOT);
  }

  private static String outcome(boolean succeeded) {
    return succeeded ? "succeeded" : "failed";
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
    Gauge.builder("consul_watchdog_last_poll_timestamp_seconds", g, x -> epochSeconds(x.lastPoll.get()))
        .description("Unix time the last poll ended (0 before the first)").tags(tags).register(registry);
    Gauge.builder("consul_watchdog_last_leader_seen_timestamp_seconds", g, x -> epochSeconds(x.lastLeaderSeen.get()))
        .description("Unix time of the last poll that saw a leader (0 if none since the watchdog started)")
        .tags(tags).register(registry);
    Gauge.builder("consul_watchdog_last_recovery_redundancy_restored_seconds", g,
            x -> seconds(x.redundancyRestored.get()))
        .description("From the start of the last successful recovery to the first poll with every voter back "
            + "(HEALTHY); NaN until that happens").tags(tags).register(registry);
    Gauge.builder("consul_watchdog_poll_interval_seconds", g, x -> seconds(x.pollInterval.get()))
        .description("Configured time between polls (NaN if unknown)").tags(tags).register(registry);
    for (String state : RECOVERY_STATES) {
      Gauge.builder("consul_watchdog_recovery_state", g, x -> state.equals(x.recoveryState.get()) ? 1 : 0)
          .description("1 for the recovery state machine's current state").tags(tags.and("state", state))
          .register(registry);
    }
    for (String mode : EFFECTIVE_MODES) {
      Gauge.builder("consul_watchdog_effective_mode", g, x -> mode.equals(x.effectiveMode.get()) ? 1 : 0)
          .description("1 for the mode the cluster runs in now (auto, dry-run, detect-only, paused, maintenance)")
          .tags(tags.and("mode", mode))
          .register(registry);
    }
    return g;
  }

  private static double epochSeconds(Instant at) {
    return at == null ? 0 : at.toEpochMilli() / 1000.0;
  }

  private static double seconds(Duration d) {
    return d == null ? Double.NaN : d.toMillis() / 1000.0;
  }

  private static final class ClusterGauges {
    final AtomicReference<Verdict> verdict = new AtomicReference<>();
    final AtomicReference<Instant> lastPoll = new AtomicReference<>();
    final AtomicReference<Instant> lastLeaderSeen = new AtomicReference<>();
    final AtomicReference<Duration> pollInterval = new AtomicReference<>();
    final AtomicReference<String> recoveryState = new AtomicReference<>("IDLE");
    final AtomicReference<String> effectiveMode = new AtomicReference<>();
    final AtomicReference<Duration> redundancyRestored = new AtomicReference<>();

    boolean is(DiagnosisCode code) {
      Verdict v = verdict.get();
      return v != null && v.code() == code;
    }

    double value(ToDoubleFunction<Verdict> f) {
      Verdict v = verdict.get();
      return v == null ? Double.NaN : f.applyAsDouble(v);
    }
  }
}
