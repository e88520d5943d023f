package io.consulwatchdog.recover;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.decide.Decision;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciler and the runner under a coordination lock (issue 13), with an in-memory lease: a standby and a
 * watchdog without its store observe and confirm but never plan; a destructive step runs only after its fence
 * and with its token journaled; a new holder resumes the recovery its predecessor shared.
 */
class CoordinatedRecoveryTest {
  private static final Duration T = Duration.ofSeconds(20);
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
  private final ClusterConfig cluster = Fixtures.cluster(
      Fixtures.recovery(RecoveryMode.AUTO, List.of("restart-down-servers")), Fixtures.threeServers(), List.of());
  private final FakeLease.Store store = new FakeLease.Store();
  private FakeWorld world;

  private ClusterReconciler watch(Path stateDir, ActorLease lease, String... running) {
    if (world == null) {
      world = new FakeWorld(cluster, clock, running);
    }
    EffectiveMode auto = EffectiveMode.resolve(RecoveryMode.AUTO, ModeOverrides.none());
    return ReconcilerFactory.standard(world.observer(), world::executor, world.leaderRead(), stateDir, metrics, clock)
        .withDiagnoser(world.diagnoser()).withSleeper(clock::advance).create(cluster, () -> auto, lease);
  }

  private ClusterReconciler.Tick tick(ClusterReconciler w) {
    ClusterReconciler.Tick t = w.tick();
    clock.advance(Duration.ofSeconds(5));
    return t;
  }

  private double blocked(String reason) {
    return registry.get("consul_watchdog_recovery_blocked").tag("reason", reason).gauge().value();
  }

  @Test
  void aStandbyConfirmsTheOutageButOnlyTheHolderRecovers() {
    FakeLease lease = new FakeLease(store, FakeLease.standby("bastion-b"));
    ClusterReconciler w = watch(dir, lease, "s1");
    for (int i = 0; i < 5; i++) {
      ClusterReconciler.Tick t = tick(w);
      assertThat(t.plan()).isEmpty();
    }
    assertThat(w.state().state()).isEqualTo(RecoveryState.CONFIRMED);
    assertThat(w.standing().describe()).isEqualTo("standby: bastion-b acts");
    assertThat(world.calls).isEmpty();
    assertThat(new AuditJournal(dir, "dc1", clock).read()).isEmpty();
    assertThat(store.writes).isZero();

    lease.set(FakeLease.holding(7)); // the holder went away: this one now holds the lock
    ClusterReconciler.Tick acted = tick(w);
    assertThat(acted.decision().kind()).isEqualTo(Decision.Kind.RECOVER);
    assertThat(acted.run().orElseThrow().succeeded()).isTrue();
    assertThat(world.calls).as("both started at once, in either order").containsExactlyInAnyOrder("s2:start", "s3:start");
    assertThat(store.progress).extracting(AuditEvent::recoveryId).containsOnly(acted.plan().orElseThrow().id());
    assertThat(store.progress.get(store.progress.size() - 1)).isInstanceOf(AuditEvent.RecoveryFinished.class);
  }

  @Test
  void withoutItsStoreNoWatchdogStartsARecoveryAndTheMetricSaysWhy() {
    FakeLease lease = new FakeLease(store, new ActorLease.Standing.Unavailable("the etcd store does not answer"));
    ClusterReconciler w = watch(dir, lease, "s1");
    for (int i = 0; i < 4; i++) {
      assertThat(tick(w).plan()).isEmpty();
    }
    assertThat(world.calls).isEmpty();
    assertThat(blocked("coordination_unavailable")).isEqualTo(1);
    assertThat(w.standing().describe()).contains("the etcd store does not answer");

    lease.set(FakeLease.holding(3));
    assertThat(tick(w).run()).isPresent();
    assertThat(blocked("coordination_unavailable")).isZero();
  }

  @Test
  void aDestructiveStepRunsOnlyAfterItsFenceAndCarriesTheToken() {
    FakeLease lease = new FakeLease(store, FakeLease.holding(11));
    lease.fences.add(new ActorLease.Fence.Held(OptionalLong.of(11)));
    lease.fences.add(new ActorLease.Fence.Lost("the lock is no longer held with fencing token 11"));
    world = new FakeWorld(cluster, clock, "s1", "s2");
    AuditJournal journal = new AuditJournal(dir, "dc1", clock, lease);
    PlanRunner runner = new PlanRunner(cluster, world::executor, world.observer(), world.leaderRead(), journal,
        metrics, clock, clock::advance, Duration.ofSeconds(1), () -> false, lease);
    RecoveryPlan plan = new RecoveryPlan("r-fenced", "dc1", "peers-json", "test", T0, List.of(
        new Step.StopAgent("s1", T), new Step.StopAgent("s2", T), new Step.StartAgent("s1", T)));
    journal.recoveryPlanned(plan, false);

    RunResult run = runner.run(plan, 0);

    assertThat(run.succeeded()).isFalse();
    assertThat(run.reason()).contains("step 2 (stop agent s2 (no graceful leave)) not run: the fencing check failed: "
        + "the lock is no longer held with fencing token 11");
    assertThat(world.calls).containsExactly("s1:stop", "s1:start"); // s2 never stopped; s1's stop undone
    List<AuditEvent.StepStarted> started = journal.read(AuditEvent.StepStarted.class);
    assertThat(started).singleElement().satisfies(s -> {
      assertThat(s.stepIndex()).isZero();
      assertThat(s.fencingToken()).isEqualTo(11L);
    });
    assertThat(lease.sharedWithTokens).contains(OptionalLong.of(11));
  }

  @Test
  void aStepWhoseStartCannotBeSharedUnderTheLockIsNotRun() {
    FakeLease lease = new FakeLease(store, FakeLease.holding(4));
    lease.refuseShares = true;
    world = new FakeWorld(cluster, clock, "s1", "s2");
    AuditJournal journal = new AuditJournal(dir, "dc1", clock, lease);
    PlanRunner runner = new PlanRunner(cluster, world::executor, world.observer(), world.leaderRead(), journal,
        metrics, clock, clock::advance, Duration.ofSeconds(1), () -> false, lease);
    RecoveryPlan plan = new RecoveryPlan("r-unshared", "dc1", "peers-json", "test", T0,
        List.of(new Step.StopAgent("s1", T)));
    RunResult run = runner.run(plan, 0);
    assertThat(run.reason()).contains("not run: its start could not be recorded in the coordination store");
    assertThat(world.calls).isEmpty();
    assertThat(journal.read(AuditEvent.StepStarted.class)).isEmpty();
  }

  @Test
  void aNewHolderPutsBackWhatItsKilledPredecessorChanged() {
    // the predecessor (another state dir) stopped every server, then died while starting s1
    FakeLease predecessor = new FakeLease(store, FakeLease.holding(1));
    AuditJournal theirs = new AuditJournal(dir.resolve("a"), "dc1", clock, predecessor);
    RecoveryPlan plan = new RecoveryPlan("r-killed", "dc1", "peers-json", "test", T0, List.of(
        new Step.StopAgent("s1", T), new Step.StopAgent("s2", T), new Step.StopAgent("s3", T),
        new Step.StartAgent("s1", T), new Step.WaitForLeader(T)));
    theirs.recoveryPlanned(plan, false);
    for (int i = 0; i < 3; i++) {
      theirs.stepStarted(plan.id(), i, plan.steps().get(i), OptionalLong.of(1));
      theirs.stepFinished(plan.id(), i, plan.steps().get(i), ExecutionResult.ok("", "", Duration.ZERO));
    }
    theirs.stepStarted(plan.id(), 3, plan.steps().get(3), OptionalLong.empty());
    predecessor.set(FakeLease.standby("nobody"));

    FakeLease mine = new FakeLease(store, FakeLease.holding(2));
    ClusterReconciler w = watch(dir.resolve("b"), mine); // every server is down
    tick(w);

    assertThat(world.calls).startsWith("s3:start", "s2:start", "s1:start");
    AuditJournal ours = new AuditJournal(dir.resolve("b"), "dc1", clock);
    assertThat(ours.read(AuditEvent.RecoveryPlanned.class)).extracting(AuditEvent::recoveryId).startsWith("r-killed");
    assertThat(ours.read(AuditEvent.UndoFinished.class)).hasSize(3).allMatch(AuditEvent.UndoFinished::success);
    assertThat(ours.read(AuditEvent.RecoveryFinished.class)).extracting(AuditEvent::recoveryId).startsWith("r-killed");
    assertThat(store.progress.get(store.progress.size() - 1)).isInstanceOf(AuditEvent.RecoveryFinished.class);
  }

  @Test
  void aLocalUnfinishedRecoveryTheStoreDoesNotShowIsEndedWithoutRunningAnything() {
    AuditJournal local = new AuditJournal(dir, "dc1", clock);
    RecoveryPlan plan = new RecoveryPlan("r-old", "dc1", "peers-json", "test", T0,
        List.of(new Step.StopAgent("s1", T), new Step.WaitForLeader(T)));
    local.recoveryPlanned(plan, false);
    local.stepStarted(plan.id(), 0, plan.steps().get(0));
    ClusterReconciler w = watch(dir, new FakeLease(store, FakeLease.holding(9)), "s1", "s2", "s3");
    tick(w);
    assertThat(world.calls).isEmpty();
    assertThat(local.unfinished()).isEmpty();
    assertThat(local.read(AuditEvent.RecoveryFinished.class)).singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("not continued by this watchdog"));
  }
}
