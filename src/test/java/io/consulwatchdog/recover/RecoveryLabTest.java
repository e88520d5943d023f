package io.consulwatchdog.recover;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.execute.LocalProcessExecutor;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.observe.TopologyStore;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.PlanOutcome;
import io.consulwatchdog.plan.PlanRequest;
import io.consulwatchdog.plan.Planner;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The recovery half against real Consul 1.8.7 clusters on loopback (see the field notes' experiments). */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class RecoveryLabTest {
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(20);
  private static final int KEYS = 100;
  @TempDir Path stateDir;
  private final Clock clock = Clock.systemUTC();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  private final HttpClusterObserver observer = new HttpClusterObserver(clock);

  @AfterEach
  void closeObserver() {
    observer.close();
  }

  private static RecoveryConfig recovery(RecoveryMode mode, List<String> strategies) {
    return new RecoveryConfig(mode, strategies, Duration.ofSeconds(3), 2, Duration.ZERO, Duration.ofMinutes(10), 3,
        Duration.ofHours(1), Duration.ofSeconds(40), false);
  }

  private ClusterReconciler watch(TestLabCluster lab, ClusterConfig cluster) {
    return watch(cluster, this::executor);
  }

  private ClusterReconciler watch(ClusterConfig cluster, Function<ServerConfig, AgentExecutor> executors) {
    EffectiveMode mode = EffectiveMode.resolve(cluster.recovery().mode(), ModeOverrides.none());
    return factory().withExecutors(executors).create(cluster, () -> mode);
  }

  private ReconcilerFactory factory() {
    return ReconcilerFactory.standard(observer, this::executor, new HttpLeaderRead(), stateDir, metrics, clock);
  }

  /** The real local executor running each lab server's ctl.sh, recording what it is asked to do. */
  private AgentExecutor executor(ServerConfig server) {
    return new RecordingExecutor(new LocalProcessExecutor((LocalExecutorConfig) server.executor()), server.name(),
        calls);
  }

  /** Ticks once a second until the state matches, at most maxTicks times; returns the ticks taken. */
  private static int tickUntil(ClusterReconciler w, Predicate<RecoveryState> done, int maxTicks) throws Exception {
    for (int i = 1; i <= maxTicks; i++) {
      w.tick();
      if (done.test(w.state().state())) {
        return i;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("state " + w.state().state() + " after " + maxTicks + " ticks; history "
        + w.history().recent().stream().map(Verdict::summary).toList());
  }

  private double counter(String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  private List<AuditEvent> journal(ClusterConfig cluster) {
    return new AuditJournal(stateDir, cluster.name(), clock).read();
  }

  @Test
  void restartDownServersHealsTwoOfThreeKilled(TestLabCluster lab) throws Exception {
    lab.awaitLeader(LEADER_TIMEOUT);
    lab.putKeys("kept", KEYS);
    ClusterConfig cluster = lab.clusterConfig(recovery(RecoveryMode.AUTO, List.of("restart-down-servers")));
    ClusterReconciler w = watch(lab, cluster);
    w.tick();
    List<String> victims = lab.servers().stream().map(LabServer::name).skip(1).toList();
    victims.forEach(lab::kill);

    Instant start = Instant.now();
    tickUntil(w, s -> s == RecoveryState.COOLDOWN || s == RecoveryState.FAILED, 60);
    System.out.printf("recovery lab: restart-down-servers healed in %d ms%n",
        Duration.between(start, Instant.now()).toMillis());

    assertThat(w.state().state()).as(journal(cluster).toString()).isEqualTo(RecoveryState.COOLDOWN);
    assertThat(calls).as("both started at once, in either order")
        .containsExactlyInAnyOrder(victims.get(0) + ":start", victims.get(1) + ":start");
    lab.awaitLeader(LEADER_TIMEOUT);
    assertThat(lab.readKeys("kept")).hasSize(KEYS);
    assertThat(counter("consul_watchdog_recoveries_succeeded")).isEqualTo(1);
  }

  @Test
  void peersJsonHealsTwoOfThreeReplacedKeepingEveryKey(TestLabCluster lab) throws Exception {
    lab.awaitLeader(LEADER_TIMEOUT);
    lab.putKeys("kept", KEYS);
    ClusterConfig before = lab.clusterConfig(recovery(RecoveryMode.AUTO, List.of()));
    factory().poller(before).poll();
    String survivor = lab.servers().get(0).name();
    lab.replace(lab.servers().stream().map(LabServer::name).skip(1).toList());
    ClusterConfig cluster = lab.clusterConfig(recovery(RecoveryMode.AUTO,
        List.of("restart-down-servers", "peers-json")));
    ClusterReconciler w = watch(lab, cluster);

    Instant start = Instant.now();
    tickUntil(w, s -> s == RecoveryState.COOLDOWN || s == RecoveryState.FAILED, 90);
    System.out.printf("recovery lab: peers-json healed in %d ms%n", Duration.between(start, Instant.now()).toMillis());

    List<AuditEvent> events = journal(cluster);
    assertThat(w.state().state()).as(events.toString()).isEqualTo(RecoveryState.COOLDOWN);
    RecoveryPlan plan = ((AuditEvent.RecoveryPlanned) events.get(0)).plan();
    assertThat(plan.strategy()).isEqualTo("peers-json");
    // peers.json goes exactly once to each server holding raft state, most up-to-date (the survivor) first. A fresh
    // server can hold state too: the old leader may have replicated to it before it lost its quorum.
    List<String> withState = plan.steps().stream().filter(Step.WritePeersJson.class::isInstance)
        .map(st -> ((Step.WritePeersJson) st).server()).toList();
    assertThat(withState.get(0)).isEqualTo(survivor);
    assertThat(calls.stream().filter(c -> c.endsWith(":write-file")).toList())
        .containsExactlyElementsOf(withState.stream().map(n -> n + ":write-file").toList());
    assertThat(Files.isDirectory(lab.server(survivor).dataDir().resolve("raft.backup-" + w.state().recoveryId()
        .orElseThrow()))).isTrue();
    lab.awaitLeader(LEADER_TIMEOUT);
    Map<String, String> keys = lab.readKeys("kept");
    assertThat(keys).hasSize(KEYS).containsEntry(TestLabCluster.keyName("kept", 99), "value-99");
  }

  @Test
  void dryRunLeavesTheClusterStuck(TestLabCluster lab) throws Exception {
    lab.awaitLeader(LEADER_TIMEOUT);
    ClusterConfig cluster = lab.clusterConfig(recovery(RecoveryMode.DRY_RUN, List.of("restart-down-servers")));
    ClusterReconciler w = watch(lab, cluster);
    lab.servers().stream().map(LabServer::name).skip(1).toList().forEach(lab::kill);

    tickUntil(w, s -> s == RecoveryState.COOLDOWN, 30);
    for (int i = 0; i < 3; i++) {
      w.tick();
    }
    assertThat(calls).isEmpty();
    assertThat(lab.runningServers()).hasSize(1);
    assertThat(w.history().latest().orElseThrow().code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(journal(cluster)).extracting(AuditEvent::event)
        .containsExactly(AuditEvent.RECOVERY_PLANNED, AuditEvent.RECOVERY_FINISHED);
    assertThat(counter("consul_watchdog_dry_run_plans")).isEqualTo(1);
    assertThat(counter("consul_watchdog_recoveries_started")).isZero();
  }

  @Test
  void killingTheLeaderRepeatedlyStartsNoRecovery(TestLabCluster lab) throws Exception {
    lab.awaitLeader(LEADER_TIMEOUT);
    ClusterConfig cluster = lab.clusterConfig(recovery(RecoveryMode.AUTO, List.of("restart-down-servers")));
    ClusterReconciler w = watch(lab, cluster);
    List<DiagnosisCode> seen = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      LabServer leader = lab.awaitLeader(LEADER_TIMEOUT);
      lab.kill(leader.name());
      for (int i = 0; i < 4; i++) {
        seen.add(w.tick().verdict().code());
        Thread.sleep(500);
      }
      lab.start(leader.name());
      lab.awaitLeader(LEADER_TIMEOUT);
      seen.add(w.tick().verdict().code());
    }
    System.out.println("recovery lab: verdicts while the leader was killed 3 times: " + seen);
    assertThat(seen).doesNotContain(DiagnosisCode.LEADERLESS, DiagnosisCode.QUORUM_LOST);
    assertThat(calls).isEmpty();
    assertThat(journal(cluster)).isEmpty();
    assertThat(counter("consul_watchdog_recoveries_started")).isZero();
  }

  @Test
  void bootstrapExpectIsRefusedOnConsul187(TestLabCluster lab) throws Exception {
    lab.awaitLeader(LEADER_TIMEOUT);
    ClusterConfig cluster = lab.clusterConfig(recovery(RecoveryMode.AUTO, List.of("bootstrap-expect")));
    ClusterReconciler w = watch(lab, cluster);
    lab.servers().stream().map(LabServer::name).skip(1).toList().forEach(lab::kill);
    tickUntil(w, s -> s == RecoveryState.CONFIRMED, 30);
    w.tick();
    assertThat(calls).isEmpty();
    assertThat(journal(cluster)).isEmpty();

    var snapshot = observer.observe(cluster);
    Verdict verdict = new ClusterDiagnoser().diagnose(snapshot, w.history(), clock.instant(), Duration.ofSeconds(3));
    assertThat(verdict.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
    PlanOutcome outcome = new Planner().plan(new PlanRequest(cluster, verdict, snapshot,
        new TopologyStore(stateDir).load(cluster.name()), "r1", clock.instant()));
    assertThat(outcome).isInstanceOf(PlanOutcome.Refused.class);
    assertThat(((PlanOutcome.Refused) outcome).reasons()).singleElement().asString()
        .contains("refused on Consul >= 0.7").contains("runs 1.8.7").contains("split brain");
  }

  @Test
  void aWatchdogKilledMidRecoveryNeverRunsADestructiveStepTwice(TestLabCluster lab) throws Exception {
    lab.awaitLeader(LEADER_TIMEOUT);
    lab.putKeys("kept", KEYS);
    ClusterConfig before = lab.clusterConfig(recovery(RecoveryMode.AUTO, List.of()));
    factory().poller(before).poll();
    lab.replace(lab.servers().stream().map(LabServer::name).skip(1).toList());
    ClusterConfig cluster = lab.clusterConfig(recovery(RecoveryMode.AUTO, List.of("peers-json")));

    // The first watchdog "dies" right after peers.json is written, before the step's end reaches the journal.
    ClusterReconciler first = watch(cluster, s -> new RecordingExecutor(
        new LocalProcessExecutor((LocalExecutorConfig) s.executor()), s.name(), calls) {
      @Override
      public ExecutionResult run(AgentOperation op, Duration timeout) {
        ExecutionResult r = super.run(op, timeout);
        if (op instanceof AgentOperation.WriteFile) {
          throw new WatchdogDied();
        }
        return r;
      }
    });
    boolean died = false;
    for (int i = 0; i < 60 && !died; i++) {
      try {
        first.tick();
        Thread.sleep(1000);
      } catch (WatchdogDied e) {
        died = true;
      }
    }
    assertThat(died).as("the first watchdog reached the peers.json step").isTrue();
    List<String> before2 = List.copyOf(calls);
    assertThat(before2.stream().filter(c -> c.endsWith(":write-file"))).hasSize(1);

    // The restarted watchdog finds the unfinished recovery and does not repeat the destructive step.
    ClusterReconciler second = watch(lab, cluster);
    RunResult resumed = second.resumeUnfinished().orElseThrow();
    assertThat(resumed.reason()).contains("interrupted by a watchdog restart").contains("undone");
    List<String> after = calls.subList(before2.size(), calls.size());
    // what the first run changed is put back (peers.json removed, every stopped server started), and the
    // destructive step it died in is never run again
    assertThat(after).noneMatch(c -> c.endsWith(":write-file")).anyMatch(c -> c.endsWith(":remove-file"))
        .anyMatch(c -> c.endsWith(":start"));
    assertThat(lab.servers()).allSatisfy(server -> assertThat(server.running()).as(server.name()).isTrue());
    assertThat(second.state().state()).isIn(RecoveryState.FAILED, RecoveryState.COOLDOWN);
    assertThat(journal(cluster).get(journal(cluster).size() - 1)).isInstanceOf(AuditEvent.RecoveryFinished.class);
  }

  /** Thrown by an executor to stand for the watchdog process dying in the middle of a step (an Error: nothing
   * in the watchdog may catch it, as nothing runs after a SIGKILL). */
  private static final class WatchdogDied extends Error {
    WatchdogDied() {
      super("simulated watchdog death", null, false, false);
    }
  }
}
