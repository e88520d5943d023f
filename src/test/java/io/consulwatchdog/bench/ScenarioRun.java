package io.consulwatchdog.bench;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.execute.AgentExecutors;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.execute.ExecutorResources;
import io.consulwatchdog.execute.LocalProcessExecutor;
import io.consulwatchdog.lab.LabException;
import io.consulwatchdog.lab.LabOptions;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.recover.AuditEvent;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.recover.ReconcilerFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One run of one scenario on a fresh lab cluster: start it, write keys, let the watchdog see it healthy,
 * break it, measure each phase from outside (the loop's returns, the executors' first call, a write probe, a
 * voter watch), check the keys, clean up. The floor runs the same cluster with no watchdog.
 */
final class ScenarioRun {
  /** Keys written before the outage and checked after it. */
  static final int KEYS = 50;
  /** The settings: poll 1 s (the lab's cluster config), leaderless_after 3 s, confirmation 3 polls and 5 s. */
  static final RecoveryConfig RECOVERY = new RecoveryConfig(RecoveryMode.AUTO,
      List.of("restart-down-servers", "peers-json"), Duration.ofSeconds(3), 3, Duration.ofSeconds(5),
      Duration.ofMinutes(5), 2, Duration.ofMinutes(30), Duration.ofSeconds(30), false);
  /** How long after the outage a run may take to heal before it counts as failed. */
  static final Duration HEAL_LIMIT = Duration.ofSeconds(120);
  private static final String KEY_PREFIX = "kept";
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(20);
  /** After every voter is back, time the watchdog gets to notice it (its next poll) and set its gauge. */
  private static final Duration GAUGE_GRACE = Duration.ofSeconds(4);
  private static final String GAUGE = "consul_watchdog_last_recovery_redundancy_restored_seconds";

  private final Scenario scenario;
  private final Clock clock = Clock.systemUTC();

  private ScenarioRun(Scenario scenario) {
    this.scenario = scenario;
  }

  /** Runs the scenario once on a fresh cluster and returns what it measured; the cluster is gone afterwards. */
  static RunSample run(Scenario scenario) throws IOException {
    return new ScenarioRun(scenario).run();
  }

  private RunSample run() throws IOException {
    Path stateDir = Files.createTempDirectory("consul-watchdog-bench");
    try (TestLabCluster lab = TestLabCluster.start(LabOptions.defaults().withServers(scenario.servers())
        .withNamePrefix("bench"))) {
      lab.awaitLeader(LEADER_TIMEOUT);
      lab.putKeys(KEY_PREFIX, KEYS);
      Map<String, String> written = lab.readKeys(KEY_PREFIX);
      Measured m = scenario.floor() ? floor(lab) : watched(lab, stateDir);
      long intact = intactKeys(lab, written);
      List<RunSample.StepTime> steps = new ArrayList<>();
      String strategy = scenario.floor() ? "" : journaledSteps(stateDir, lab, steps);
      return new RunSample(m.detected, m.actingPoll, m.started, m.writable, m.voters, m.gauge, m.stuckPoll, intact, strategy, steps, m.verdicts,
          m.failure);
    } finally {
      deleteTree(stateDir);
    }
  }

  /** The timings of one run (seconds from the outage) and why it failed, if it did. */
  private record Measured(OptionalDouble detected, OptionalDouble actingPoll, OptionalDouble started, OptionalDouble writable,
      OptionalDouble voters, OptionalDouble gauge, OptionalDouble stuckPoll, List<String> verdicts, Optional<String> failure) {}

  private Measured watched(TestLabCluster lab, Path stateDir) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
    FirstMoment firstCall = new FirstMoment();
    AtomicBoolean stopping = new AtomicBoolean();
    TickRecorder ticks = new TickRecorder();
    try (HttpClusterObserver observer = new HttpClusterObserver(clock);
        ExecutorResources resources = new ExecutorResources()) {
      ReconcilerFactory factory = ReconcilerFactory.standard(observer,
          server -> new FirstCallExecutor(AgentExecutors.create(server, resources), firstCall),
          new HttpLeaderRead(), stateDir, metrics, clock).withStopSignal(stopping::get);
      ScheduledWatchdog watchdog = ScheduledWatchdog.start(factory, lab.clusterConfig(RECOVERY), ticks);
      try {
        if (!await(ticks::healthySeen, HEALTHY_TIMEOUT)) {
          return failed("the watchdog never saw the cluster HEALTHY before the outage: " + ticks.lastVerdict());
        }
        LabServer leader = lab.awaitLeader(LEADER_TIMEOUT);
        List<String> followers = lab.servers().stream().map(LabServer::name).filter(n -> !n.equals(leader.name()))
            .toList();
        if (scenario.breakage() == Scenario.Breakage.REPLACE_MAJORITY) {
          watchdog.close(); // the inventory changes: the watchdog is started again with the new one below
        }
        long outage = System.nanoTime();
        ticks.arm();
        switch (scenario.breakage()) {
          case REPLACE_MAJORITY -> {
            List<String> doomed = Stream.concat(Stream.of(leader.name()),
                followers.stream().limit(scenario.servers() / 2)).toList();
            lab.replace(doomed);
            watchdog = ScheduledWatchdog.start(factory, lab.clusterConfig(RECOVERY), ticks);
          }
          case KILL_ALL -> lab.servers().forEach(s -> lab.kill(s.name()));
          case KILL_TWO -> List.of(leader.name(), followers.get(0)).forEach(lab::kill);
          default -> throw new IllegalStateException("not a watchdog scenario: " + scenario);
        }
        Map<String, URI> servers = httpAddresses(lab);
        try (WritableProbe probe = new WritableProbe(servers, HEAL_LIMIT);
            VoterWatch voters = new VoterWatch(servers, HEAL_LIMIT)) {
          BooleanSupplier recoveryFailed = () -> ticks.firstRun().map(r -> !r.succeeded()).orElse(false);
          boolean settled = awaitUntil(() -> recoveryFailed.getAsBoolean()
              || probe.writable().happened() && ticks.recoveryEnded().happened() && voters.allVoters().happened()
                  && (gauge(registry).isPresent() || longAgo(voters.allVoters(), GAUGE_GRACE)),
              outage + HEAL_LIMIT.toNanos());
          Optional<String> failure = recoveryFailed.getAsBoolean()
              ? Optional.of("the recovery failed: " + ticks.firstRun().orElseThrow().reason())
              : settled ? Optional.empty()
                  : Optional.of("not healed within " + HEAL_LIMIT.toSeconds() + " s (writable "
                      + probe.writable().happened() + ", recovery ended " + ticks.recoveryEnded().happened()
                      + ", every voter back " + voters.allVoters().happened() + "); last verdict "
                      + ticks.lastVerdict());
          return new Measured(ticks.detected().secondsSince(outage), ticks.actingTickBegan().secondsSince(outage),
              firstCall.secondsSince(outage),
              probe.writable().secondsSince(outage), voters.allVoters().secondsSince(outage), gauge(registry),
              Report.median(ticks.stuckPolls()), ticks.trace(), failure);
        }
      } finally {
        stopping.set(true); // a recovery still running (a failed run) stops before its next step and undoes
        watchdog.close();
      }
    }
  }

  /** Every server SIGKILLed, then started again together by hand (no watchdog): Consul's own election cost. */
  private Measured floor(TestLabCluster lab) {
    Map<String, URI> servers = httpAddresses(lab);
    ClusterConfig cluster = lab.clusterConfig(RECOVERY);
    lab.servers().forEach(s -> lab.kill(s.name()));
    try (WritableProbe probe = new WritableProbe(servers, HEAL_LIMIT);
        VoterWatch voters = new VoterWatch(servers, HEAL_LIMIT)) {
      long start = System.nanoTime();
      Optional<String> failure = startTogether(cluster);
      boolean settled = failure.isEmpty() && awaitUntil(() -> probe.writable().happened()
          && voters.allVoters().happened(), start + HEAL_LIMIT.toNanos());
      if (failure.isEmpty() && !settled) {
        failure = Optional.of("no writable leader with every voter within " + HEAL_LIMIT.toSeconds() + " s");
      }
      return new Measured(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.of(0), probe.writable().secondsSince(start),
          voters.allVoters().secondsSince(start), OptionalDouble.empty(), OptionalDouble.empty(), List.of(), failure);
    }
  }

  /** Runs every server's start command at once, as an operator's parallel ssh or orchestration would. */
  private static Optional<String> startTogether(ClusterConfig cluster) {
    ExecutorService pool = Executors.newFixedThreadPool(cluster.servers().size());
    try {
      List<Future<ExecutionResult>> starts = new ArrayList<>();
      for (ServerConfig s : cluster.servers()) {
        LocalProcessExecutor executor = new LocalProcessExecutor((LocalExecutorConfig) s.executor());
        starts.add(pool.submit(() -> executor.run(new AgentOperation.Start(), Duration.ofSeconds(30))));
      }
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < starts.size(); i++) {
        ExecutionResult r = starts.get(i).get(40, TimeUnit.SECONDS);
        if (!r.success()) {
          failures.add(cluster.servers().get(i).name() + ": " + r.error() + r.stderr());
        }
      }
      return failures.isEmpty() ? Optional.empty() : Optional.of("start failed: " + String.join("; ", failures));
    } catch (Exception e) {
      return Optional.of("start failed: " + e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Measured failed(String why) {
    return new Measured(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), List.of(),
        Optional.of(why));
  }

  /** The first non-dry-run plan's steps with their journaled durations; returns its strategy ("" if none). */
  private String journaledSteps(Path stateDir, TestLabCluster lab, List<RunSample.StepTime> steps) {
    List<AuditEvent> events = new AuditJournal(stateDir, lab.clusterConfig(RECOVERY).name(), clock).read();
    Optional<RecoveryPlan> plan = events.stream().filter(e -> e instanceof AuditEvent.RecoveryPlanned p && !p.dryRun())
        .map(e -> ((AuditEvent.RecoveryPlanned) e).plan()).findFirst();
    if (plan.isEmpty()) {
      return "";
    }
    events.stream().filter(e -> e instanceof AuditEvent.StepFinished f && f.recoveryId().equals(plan.get().id()))
        .map(e -> (AuditEvent.StepFinished) e).sorted(Comparator.comparingInt(AuditEvent.StepFinished::stepIndex))
        .forEach(f -> steps.add(new RunSample.StepTime(plan.get().steps().get(f.stepIndex()).kind(),
            f.durationMillis())));
    return plan.get().strategy();
  }

  private static long intactKeys(TestLabCluster lab, Map<String, String> written) {
    try {
      lab.awaitLeader(LEADER_TIMEOUT);
      Map<String, String> after = lab.readKeys(KEY_PREFIX);
      return written.entrySet().stream().filter(e -> e.getValue().equals(after.get(e.getKey()))).count();
    } catch (LabException e) {
      return -1;
    }
  }

  private static Map<String, URI> httpAddresses(TestLabCluster lab) {
    Map<String, URI> servers = new LinkedHashMap<>();
    lab.servers().forEach(s -> servers.put(s.name(), s.httpUri()));
    return servers;
  }

  private static OptionalDouble gauge(SimpleMeterRegistry registry) {
    Gauge g = registry.find(GAUGE).gauge();
    return g == null || Double.isNaN(g.value()) ? OptionalDouble.empty() : OptionalDouble.of(g.value());
  }

  private static boolean longAgo(FirstMoment moment, Duration grace) {
    return moment.secondsSince(System.nanoTime()).orElse(0) < -grace.toMillis() / 1000.0;
  }

  private static boolean await(BooleanSupplier done, Duration limit) {
    return awaitUntil(done, System.nanoTime() + limit.toNanos());
  }

  /** Checks every 100 ms until done or the deadline (a System.nanoTime value); bounded in count too. */
  private static boolean awaitUntil(BooleanSupplier done, long deadline) {
    long maxChecks = Math.max(1, (deadline - System.nanoTime()) / 100_000_000L) + 1;
    for (long i = 0; i < maxChecks; i++) {
      if (done.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return done.getAsBoolean();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(dir)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }
}
