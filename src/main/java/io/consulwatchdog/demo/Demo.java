package io.consulwatchdog.demo;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.daemon.StatusServer;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.execute.AgentExecutors;
import io.consulwatchdog.execute.ExecutorResources;
import io.consulwatchdog.lab.ConsulBinary;
import io.consulwatchdog.lab.LabCluster;
import io.consulwatchdog.lab.LabOptions;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.recover.ClusterReconciler;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.recover.ReconcilerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The demo: a real three-server Consul cluster on loopback, a watchdog watching it with the local
 * process executor, a breakage, and the watchdog's answer to it, told as a timeline.
 */
public final class Demo {
  /** Keys written before the outage and checked after it. */
  public static final int KEYS = 50;
  private static final String KEY_PREFIX = "demo";
  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration HEAL_LIMIT = Duration.ofSeconds(90);
  private static final Duration WATCH_ONLY = Duration.ofSeconds(15);

  /**
   * How the demo's cluster and watchdog are set up.
   *
   * @param servers servers in the cluster; the breakage takes a majority of them
   * @param leaderlessAfter no leader this long = stuck
   * @param confirmPolls bad polls before acting
   * @param confirmWindow time the cluster must stay bad before acting
   */
  public record Settings(int servers, Duration leaderlessAfter, int confirmPolls, Duration confirmWindow) {
    /** The demo's own settings: 3 servers, stuck after 5 s, act after 3 polls and 3 s. */
    public static Settings demo() {
      return new Settings(3, Duration.ofSeconds(5), 3, Duration.ofSeconds(3));
    }
  }

  /**
   * What happened after the breakage, with times measured from the outage.
   *
   * @param detected first poll that diagnosed LEADERLESS or QUORUM_LOST
   * @param recoveryStarted when the recovery's first step began
   * @param healthy when the watchdog saw the cluster HEALTHY after its recovery
   * @param recoveries recoveries run (dry-run plans not counted)
   * @param recoverySucceeded the last recovery's result
   * @param plan the rendered plan, if one was made
   * @param finalCode the last diagnosis
   * @param keysIntact keys written before the outage that read back unchanged after it (-1: not checked)
   */
  public record Outcome(Optional<Duration> detected, Optional<Duration> recoveryStarted, Optional<Duration> healthy,
      int recoveries, boolean recoverySucceeded, Optional<String> plan, DiagnosisCode finalCode, long keysIntact) {}

  /** Whether the scenario's expectation was met, and what happened. */
  public record Result(boolean passed, Outcome outcome) {}

  private final DemoScenario scenario;
  private final Settings settings;
  private final Path outputDir;
  private final PrintWriter out;
  private final Timeline timeline;
  private final Clock clock = Clock.systemUTC();
  private final ExecutorResources executors = new ExecutorResources();

  /**
   * A demo of one scenario.
   *
   * @param outputDir where the audit journal and a metrics snapshot are left for reading afterwards
   */
  public Demo(DemoScenario scenario, Path outputDir, PrintWriter out) {
    this(scenario, Settings.demo(), outputDir, out);
  }

  /** A demo with explicit settings (cluster size, stuck-after, confirmation). */
  public Demo(DemoScenario scenario, Settings settings, Path outputDir, PrintWriter out) {
    this.scenario = scenario;
    this.settings = settings;
    this.outputDir = outputDir;
    this.out = out;
    this.timeline = new Timeline(out);
  }

  /** Runs the scenario; returns true when the watchdog did what the scenario expects. */
  public boolean run() throws IOException {
    return runAndMeasure().passed();
  }

  /** Runs the scenario and returns its outcome with timings. */
  public Result runAndMeasure() throws IOException {
    deleteTree(outputDir);
    Files.createDirectories(outputDir);
    timeline.phase("1. A real Consul cluster");
    Path consul = ConsulBinary.locate();
    timeline.say("Consul binary: " + consul);
    try (LogForwarder logs = new LogForwarder(timeline::event,
            List.of("io.consulwatchdog.recover.PlanRunner", "io.consulwatchdog.recover.ClusterReconciler"),
            List.of("io.consulwatchdog.lab"), List.of("io.consulwatchdog.recover.ClusterPoller"));
        LabCluster lab = LabCluster.start(LabOptions.defaults().withServers(settings.servers()).withNamePrefix("demo"));
        HttpClusterObserver observer = new HttpClusterObserver(clock)) {
      LabServer leader = lab.awaitLeader(Duration.ofSeconds(30));
      timeline.say(settings.servers() + " servers up on " + lab.addressBlock() + ", leader " + leader.name() + " ("
          + Duration.between(lab.startedAt(), clock.instant()).toMillis() + " ms after start)");
      lab.putKeys(KEY_PREFIX, KEYS);
      Map<String, String> written = lab.readKeys(KEY_PREFIX);
      timeline.say("wrote " + written.size() + " keys under " + KEY_PREFIX);

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
      try (StatusServer status = StatusServer.metricsOnly("127.0.0.1:0", registry)) {
        timeline.phase("2. The watchdog starts watching");
        RecoveryConfig recovery = recovery();
        timeline.say("mode " + recovery.mode() + ", strategies " + recovery.strategies() + ", poll every "
            + POLL.toSeconds() + " s, stuck after " + recovery.leaderlessAfter().toSeconds() + " s, act after "
            + recovery.confirmPolls() + " bad polls and " + recovery.confirmWindow().toSeconds() + " s");
        timeline.say("metrics: http://127.0.0.1:" + status.port() + "/metrics");
        ClusterReconciler watch = watch(lab.clusterConfig(recovery), observer, metrics);
        for (int i = 0; i < 3; i++) {
          tick(watch);
          sleep(POLL);
        }
        timeline.endPolls();

        timeline.phase("3. Breaking it: " + scenario.description());
        long outageAt = System.nanoTime();
        watch = breakCluster(lab, observer, metrics, recovery, watch);
        Outcome outcome = watchUntilDone(watch, outageAt);
        timeline.endPolls();

        timeline.phase("4. Result");
        outcome = withKeys(outcome, lab, written);
        boolean ok = judge(outcome);
        Files.writeString(outputDir.resolve("metrics.txt"), registry.scrape());
        copyJournal(lab.clusterConfig(recovery).name());
        summary(outcome, ok);
        return new Result(ok, outcome);
      }
    } finally {
      executors.close();
      timeline.say("cleaned up: every consul process stopped, the cluster's files removed");
    }
  }

  private RecoveryConfig recovery() {
    RecoveryMode mode = scenario == DemoScenario.DRY_RUN ? RecoveryMode.DRY_RUN : RecoveryMode.AUTO;
    return new RecoveryConfig(mode, List.of("restart-down-servers", "peers-json"), settings.leaderlessAfter(),
        settings.confirmPolls(), settings.confirmWindow(), Duration.ofMinutes(5), 2, Duration.ofMinutes(30),
        Duration.ofSeconds(30), false);
  }

  private ClusterReconciler watch(ClusterConfig cluster, HttpClusterObserver observer, WatchdogMetrics metrics) {
    EffectiveMode mode = EffectiveMode.resolve(cluster.recovery().mode(), ModeOverrides.none());
    return ReconcilerFactory.standard(observer, server -> AgentExecutors.create(server, executors),
        new HttpLeaderRead(), outputDir.resolve("state"), metrics, clock).create(cluster, () -> mode);
  }

  private ClusterReconciler breakCluster(LabCluster lab, HttpClusterObserver observer, WatchdogMetrics metrics,
      RecoveryConfig recovery, ClusterReconciler watch) {
    LabServer leader = lab.awaitLeader(Duration.ofSeconds(10));
    List<LabServer> followers = lab.servers().stream().filter(s -> !s.name().equals(leader.name())).toList();
    switch (scenario) {
      case LEADER_KILL -> {
        lab.kill(leader.name());
        timeline.say("SIGKILL " + leader.name() + " (the leader)");
        return watch;
      }
      case KILL_TWO -> {
        lab.kill(leader.name());
        lab.kill(followers.get(0).name());
        timeline.say("SIGKILL " + leader.name() + " and " + followers.get(0).name() + "; their data stays on disk");
        return watch;
      }
      default -> {
        List<String> doomed = new ArrayList<>(List.of(leader.name()));
        followers.stream().limit(settings.servers() / 2).map(LabServer::name).forEach(doomed::add);
        List<LabServer> fresh = lab.replace(doomed);
        timeline.say("SIGKILL " + String.join(", ", doomed) + ", data wiped; fresh servers "
            + fresh.stream().map(LabServer::name).collect(Collectors.joining(", ")) + " take their place");
        timeline.say("the operator's inventory now lists " + lab.servers().stream().map(LabServer::name)
            .collect(Collectors.joining(", ")) + "; the watchdog reloads it");
        return watch(lab.clusterConfig(recovery), observer, metrics);
      }
    }
  }

  private Outcome watchUntilDone(ClusterReconciler watch, long outageAt) {
    Optional<Duration> detected = Optional.empty();
    Optional<Duration> started = Optional.empty();
    Optional<Duration> healthy = Optional.empty();
    Optional<String> plan = Optional.empty();
    int recoveries = 0;
    boolean succeeded = false;
    DiagnosisCode last = DiagnosisCode.UNOBSERVABLE;
    Duration limit = scenario == DemoScenario.LEADER_KILL || scenario == DemoScenario.DRY_RUN ? WATCH_ONLY : HEAL_LIMIT;
    long deadline = outageAt + limit.toNanos();
    while (System.nanoTime() < deadline) {
      ClusterReconciler.Tick tick = tick(watch);
      last = tick.verdict().code();
      Duration since = Duration.ofNanos(System.nanoTime() - outageAt);
      if (detected.isEmpty() && last.needsRecovery()) {
        detected = Optional.of(since);
      }
      if (tick.plan().isPresent()) {
        plan = Optional.of(tick.plan().get().render()); // printed live by the watch's own log lines
      }
      if (tick.run().isPresent()) {
        recoveries++;
        started = Optional.of(since.minus(tick.run().get().took()));
        succeeded = tick.run().get().succeeded();
        timeline.say("recovery " + (succeeded ? "finished" : "FAILED: " + tick.run().get().reason()) + " in "
            + tick.run().get().took().toMillis() + " ms");
      }
      if (succeeded && last == DiagnosisCode.HEALTHY) {
        healthy = Optional.of(since);
        break;
      }
      sleep(POLL);
    }
    return new Outcome(detected, started, healthy, recoveries, succeeded, plan, last, -1);
  }

  private ClusterReconciler.Tick tick(ClusterReconciler watch) {
    ClusterReconciler.Tick tick = watch.tick();
    if (tick.run().isEmpty()) { // a recovery tick's steps were already shown as they ran
      timeline.poll(tick.poll().snapshot(), tick, watch.state().state().name());
    }
    return tick;
  }

  private Outcome withKeys(Outcome o, LabCluster lab, Map<String, String> written) {
    if (scenario != DemoScenario.REPLACE_TWO && scenario != DemoScenario.KILL_TWO) {
      return o;
    }
    Map<String, String> after = lab.readKeys(KEY_PREFIX);
    long intact = written.entrySet().stream().filter(e -> e.getValue().equals(after.get(e.getKey()))).count();
    timeline.say("keys written before the outage and readable now: " + intact + "/" + written.size());
    return new Outcome(o.detected(), o.recoveryStarted(), o.healthy(), o.recoveries(), o.recoverySucceeded(),
        o.plan(), o.finalCode(), intact);
  }

  private boolean judge(Outcome o) {
    return switch (scenario) {
      case LEADER_KILL -> {
        timeline.say("recoveries started: " + o.recoveries() + " (expected 0: a normal election is not a fault)");
        timeline.say("final state: " + o.finalCode());
        yield o.recoveries() == 0 && o.finalCode() == DiagnosisCode.DEGRADED;
      }
      case DRY_RUN -> {
        timeline.say("plan printed: " + o.plan().isPresent() + "; processes touched: none; final state: " + o.finalCode());
        yield o.plan().isPresent() && o.recoveries() == 0 && o.finalCode().needsRecovery();
      }
      default -> o.recoverySucceeded() && o.healthy().isPresent() && o.keysIntact() == KEYS;
    };
  }

  private void summary(Outcome o, boolean ok) {
    out.printf("%nTimings from the outage: detected %s, recovery started %s, healthy again %s%n",
        show(o.detected()), show(o.recoveryStarted()), show(o.healthy()));
    out.printf("Audit journal: %s%n", outputDir.resolve("audit.jsonl"));
    out.printf("Metrics snapshot: %s%n", outputDir.resolve("metrics.txt"));
    out.printf("%s: %s%n", ok ? "DEMO PASSED" : "DEMO FAILED", scenario.description());
    out.flush();
  }

  private static String show(Optional<Duration> d) {
    return d.map(x -> String.format("+%.1f s", x.toMillis() / 1000.0)).orElse("-");
  }

  private void copyJournal(String cluster) throws IOException {
    Path journal = outputDir.resolve("state").resolve(cluster).resolve("audit.jsonl");
    if (Files.exists(journal)) {
      Files.copy(journal, outputDir.resolve("audit.jsonl"), StandardCopyOption.REPLACE_EXISTING);
    } else {
      Files.writeString(outputDir.resolve("audit.jsonl"), "");
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (var walk = Files.walk(dir)) {
      walk.forEach(paths::add);
    }
    for (int i = paths.size() - 1; i >= 0; i--) {
      Files.deleteIfExists(paths.get(i));
    }
  }
}
