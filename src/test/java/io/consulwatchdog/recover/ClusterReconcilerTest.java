package io.consulwatchdog.recover;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.Fixtures;
import io.consulwatchdog.LogLines;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.decide.Decision;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.decide.Pause;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

class ClusterReconcilerTest {
  private static final Duration T = Duration.ofSeconds(20);
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
  private FakeWorld world;
  private AuditJournal journal;

  private ClusterReconciler watch(RecoveryMode mode, String... running) {
    ClusterConfig cluster = Fixtures.cluster(Fixtures.recovery(mode, List.of("restart-down-servers")),
        Fixtures.threeServers(), List.of());
    if (world == null) {
      world = new FakeWorld(cluster, clock, running);
    }
    journal = new AuditJournal(dir, "dc1", clock);
    EffectiveMode effective = EffectiveMode.resolve(mode, ModeOverrides.none());
    return ReconcilerFactory.standard(world.observer(), world::executor, world.leaderRead(), dir, metrics, clock)
        .withDiagnoser(world.diagnoser()).withSleeper(clock::advance).create(cluster, () -> effective);
  }

  private ClusterReconciler.Tick tick(ClusterReconciler w) {
    ClusterReconciler.Tick t = w.tick();
    clock.advance(Duration.ofSeconds(5));
    return t;
  }

  private static String outcome(AuditEvent e) {
    return ((AuditEvent.RecoveryFinished) e).outcome();
  }

  private double count(String name) {
    return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void autoModeHealsTwoOfThreeDownAfterConfirmation() {
    ClusterReconciler w = watch(RecoveryMode.AUTO, "s1");
    assertThat(tick(w).decision().kind()).isEqualTo(Decision.Kind.WATCH);
    assertThat(tick(w).decision().kind()).isEqualTo(Decision.Kind.WATCH);
    assertThat(w.state().state()).isEqualTo(RecoveryState.SUSPECT);
    assertThat(world.calls).isEmpty();

    ClusterReconciler.Tick third = tick(w);
    assertThat(third.decision().kind()).isEqualTo(Decision.Kind.RECOVER);
    assertThat(third.plan()).isPresent();
    assertThat(third.run().orElseThrow().succeeded()).isTrue();
    assertThat(world.calls).containsExactlyInAnyOrder("s2:start", "s3:start");
    assertThat(w.state().state()).isEqualTo(RecoveryState.COOLDOWN);
    assertThat(w.state().recoveryId()).contains(third.plan().get().id());
    assertThat(new RecoveryStatusStore(dir).load("dc1")).contains(w.state());

    List<AuditEvent> events = journal.read();
    assertThat(events.get(0).event()).isEqualTo(AuditEvent.RECOVERY_PLANNED);
    assertThat(outcome(events.get(events.size() - 1))).isEqualTo(AuditEvent.SUCCEEDED);
    assertThat(count("consul_watchdog_recoveries_started")).isEqualTo(1);
    assertThat(count("consul_watchdog_recoveries_succeeded")).isEqualTo(1);
    assertThat(registry.get("consul_watchdog_recovery_state").tag("state", "COOLDOWN").gauge().value()).isEqualTo(1);

    assertThat(tick(w).decision().kind()).isEqualTo(Decision.Kind.IGNORE);
    assertThat(world.calls).hasSize(2);
  }

  @Test
  void everyLineLoggedDuringARecoveryCarriesItsIdAndNoLineAfterIt() {
    ClusterReconciler.Tick third;
    List<ILoggingEvent> events;
    try (LogLines lines = LogLines.all()) {
      ClusterReconciler w = watch(RecoveryMode.AUTO, "s1");
      tick(w);
      tick(w);
      third = tick(w);
      tick(w);
      events = lines.events();
    }
    String id = third.plan().orElseThrow().id();
    int start = indexOf(events, "starting recovery");
    int end = indexOf(events, "succeeded");
    assertThat(events.subList(start, end + 1)).hasSizeGreaterThan(5)
        .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).as(e.getFormattedMessage()).containsEntry("recovery", id)
            .containsEntry("cluster", "dc1"));
    assertThat(events.subList(0, start)).noneMatch(e -> e.getMDCPropertyMap().containsKey("recovery"));
    assertThat(events.subList(end + 1, events.size())).noneMatch(e -> e.getMDCPropertyMap().containsKey("recovery"));
    assertThat(MDC.get("recovery")).isNull();
  }

  private static int indexOf(List<ILoggingEvent> events, String text) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).getFormattedMessage().contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no line with \"" + text + "\" in " + events.stream().map(ILoggingEvent::getFormattedMessage).toList());
  }

  @Test
  void dryRunPrintsThePlanOnceAndTouchesNothing() {
    ClusterReconciler w = watch(RecoveryMode.DRY_RUN, "s1");
    tick(w);
    tick(w);
    ClusterReconciler.Tick third = tick(w);
    assertThat(third.decision().kind()).isEqualTo(Decision.Kind.PLAN_ONLY);
    assertThat(third.plan()).isPresent();
    assertThat(third.run()).isEmpty();
    assertThat(world.calls).isEmpty();
    assertThat(world.running).containsExactly("s1");
    assertThat(w.state().state()).isEqualTo(RecoveryState.COOLDOWN);
    assertThat(journal.read()).extracting(AuditEvent::event)
        .containsExactly(AuditEvent.RECOVERY_PLANNED, AuditEvent.RECOVERY_FINISHED);
    assertThat(((AuditEvent.RecoveryPlanned) journal.read().get(0)).dryRun()).isTrue();
    assertThat(outcome(journal.read().get(1))).isEqualTo(AuditEvent.DRY_RUN);
    assertThat(count("consul_watchdog_dry_run_plans")).isEqualTo(1);

    assertThat(tick(w).decision().kind()).isEqualTo(Decision.Kind.HOLD);
    assertThat(journal.read()).hasSize(2);
    assertThat(journal.unfinished()).isEmpty();
  }

  @Test
  void detectOnlyNeverPlans() {
    ClusterReconciler w = watch(RecoveryMode.DETECT_ONLY, "s1");
    for (int i = 0; i < 10; i++) {
      tick(w);
    }
    assertThat(w.state().state()).isEqualTo(RecoveryState.CONFIRMED);
    assertThat(world.calls).isEmpty();
    assertThat(journal.read()).isEmpty();
  }

  @Test
  void aBlindWatchdogNeverActs() {
    ClusterReconciler w = watch(RecoveryMode.AUTO, "s1");
    world.blind = true;
    for (int i = 0; i < 10; i++) {
      assertThat(tick(w).decision().kind()).isEqualTo(Decision.Kind.IGNORE);
    }
    assertThat(w.state().state()).isEqualTo(RecoveryState.IDLE);
    assertThat(world.calls).isEmpty();
  }

  @Test
  void theReProbeCancelsARecoveryWhenTheClusterHealedMeanwhile() {
    ClusterReconciler w = watch(RecoveryMode.AUTO, "s1");
    world.onObserve = n -> {
      if (n == 4) { // the re-probe of the third tick
        world.running.addAll(List.of("s2", "s3"));
      }
    };
    tick(w);
    tick(w);
    ClusterReconciler.Tick third = tick(w);
    assertThat(third.decision().kind()).isEqualTo(Decision.Kind.RECOVER);
    assertThat(third.plan()).isEmpty();
    assertThat(third.verdict().leader()).isPresent();
    assertThat(world.calls).isEmpty();
    assertThat(journal.read()).isEmpty();
    assertThat(w.state().state()).isEqualTo(RecoveryState.IDLE);
  }

  @Test
  void aPauseThatLandsWhileTheTickReProbesKeepsTheRecoveryFromStarting() {
    // the mode is read at the start of the tick; a pause accepted during the re-probe (the API answered
    // "mode now paused") must still stop the recovery: the plan is logged, nothing runs
    ClusterConfig cluster = Fixtures.cluster(Fixtures.recovery(RecoveryMode.AUTO, List.of("restart-down-servers")),
        Fixtures.threeServers(), List.of());
    world = new FakeWorld(cluster, clock, "s1");
    journal = new AuditJournal(dir, "dc1", clock);
    EffectiveMode auto = EffectiveMode.resolve(RecoveryMode.AUTO, ModeOverrides.none());
    EffectiveMode paused = EffectiveMode.resolve(RecoveryMode.AUTO, ModeOverrides.none(),
        Optional.of(new Pause("alice", "disks", T0, T0.plus(Duration.ofHours(1)))),
        List.of(), T0);
    AtomicReference<EffectiveMode> mode = new AtomicReference<>(auto);
    ClusterReconciler w = ReconcilerFactory.standard(world.observer(), world::executor, world.leaderRead(), dir, metrics,
        clock).withDiagnoser(world.diagnoser()).withSleeper(clock::advance).create(cluster, mode::get);
    world.onObserve = n -> {
      if (n == 4) { // the re-probe of the third tick
        mode.set(paused);
      }
    };
    tick(w);
    tick(w);
    ClusterReconciler.Tick third = tick(w);
    assertThat(third.decision().kind()).isEqualTo(Decision.Kind.RECOVER);
    assertThat(third.run()).isEmpty();
    assertThat(world.calls).isEmpty();
    assertThat(journal.read(AuditEvent.RecoveryFinished.class)).extracting(AuditEvent.RecoveryFinished::outcome)
        .containsExactly(AuditEvent.DRY_RUN);
  }

  @Test
  void aReProbeThatSeesAnotherCauseStartsConfirmationAgain() {
    // issue 8 #3: confirmed QUORUM_LOST (VOTERS_DOWN, s2 s3 down); the re-probe sees a quorum running but
    // no election (LEADERLESS, NO_ELECTION): nothing may be planned from that one poll
    ClusterReconciler w = watch(RecoveryMode.AUTO, "s1");
    world.onObserve = n -> {
      if (n == 4) {
        world.elects = false;
        world.running.add("s2");
      }
    };
    tick(w);
    tick(w);
    ClusterReconciler.Tick third = tick(w);
    assertThat(third.decision().kind()).isEqualTo(Decision.Kind.RECOVER);
    assertThat(third.verdict().cause()).isEqualTo(LeaderlessCause.NO_ELECTION);
    assertThat(third.plan()).isEmpty();
    assertThat(world.calls).isEmpty();
    assertThat(journal.read()).isEmpty();
    assertThat(w.state().state()).isEqualTo(RecoveryState.SUSPECT);
  }

  @Test
  void repeatedFailuresEscalate() {
    ClusterReconciler w = watch(RecoveryMode.AUTO, "s1");
    world.failing.add("s2:start"); // both down servers fail to start: every recovery fails
    world.failing.add("s3:start");
    int recoveries = 0;
    for (int i = 0; i < 40 && w.state().state() != RecoveryState.ESCALATED; i++) {
      if (tick(w).run().isPresent()) {
        recoveries++;
        clock.advance(Duration.ofMinutes(10));
      }
    }
    assertThat(recoveries).isEqualTo(3);
    assertThat(w.state().state()).isEqualTo(RecoveryState.ESCALATED);
    assertThat(count("consul_watchdog_recoveries_failed")).isEqualTo(3);
    assertThat(count("consul_watchdog_escalations")).isEqualTo(1);
    // both down servers are started together each time, and fail
    assertThat(world.calls).hasSize(6).filteredOn("s2:start"::equals).hasSize(3);
    tick(w);
    assertThat(world.calls).hasSize(6);

    // An operator acknowledges through state.json (as `consul-watchdog ack` does): the watch adopts it.
    RecoveryStatusStore store = new RecoveryStatusStore(dir);
    store.save(store.load("dc1").orElseThrow().acknowledged(clock.instant()));
    world.failing.clear();
    for (int i = 0; i < 3; i++) {
      tick(w);
    }
    assertThat(world.calls.subList(6, world.calls.size())).containsExactlyInAnyOrder("s2:start", "s3:start");
    assertThat(w.state().state()).isEqualTo(RecoveryState.COOLDOWN);
  }

  /** Makes the journal unwritable, even for root: audit.jsonl becomes a directory. */
  private void breakJournal() {
    try {
      Files.delete(journal.file());
      Files.createDirectory(journal.file());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aJournalThatCannotBeWrittenEndsTheRecoveryFailedNotRecoveringForever() {
    // observations 1-3 are the confirming polls, 4 the re-probe; from 5 on the plan runs, then it is verified
    int recoveryObservations = 0;
    for (int breakAt = 5; breakAt <= 30; breakAt++) {
      world = null;
      dir = dir.resolve("run-" + breakAt);
      ClusterReconciler w = watch(RecoveryMode.AUTO, "s1");
      int at = breakAt;
      world.onObserve = n -> {
        if (n == at) {
          breakJournal();
        }
      };
      tick(w);
      tick(w);
      ClusterReconciler.Tick third = tick(w);
      if (world.observations < breakAt) { // the recovery ended before this observation: the journal never broke
        recoveryObservations = world.observations;
        assertThat(w.state().state()).isEqualTo(RecoveryState.COOLDOWN);
        break;
      }
      assertThat(third.run()).as("journal broken at observation %d", at).isPresent();
      assertThat(w.state().state()).as("journal broken at observation %d", at).isEqualTo(RecoveryState.FAILED);
      assertThat(new RecoveryStatusStore(dir).load("dc1").orElseThrow().state()).isEqualTo(RecoveryState.FAILED);
      assertThat(count("consul_watchdog_recoveries_failed")).isEqualTo(breakAt - 4);
      assertThat(tick(w).decision().kind()).isNotEqualTo(Decision.Kind.RECOVER);
    }
    assertThat(recoveryObservations).as("the journal broke at every observation of a recovery").isGreaterThan(5);
  }

  /** A plan as the crashed watchdog journaled it. */
  /** A plan whose first step stops a server (destructive), the rest start the others and wait. */
  private RecoveryPlan crashedPlan() {
    return new RecoveryPlan("r-crash", "dc1", "restart-down-servers", "test", T0, List.of(
        new Step.StopAgent("s1", T), new Step.StartAgent("s2", T), new Step.WaitForServerUp("s2", T),
        new Step.StartAgent("s3", T), new Step.WaitForServerUp("s3", T), new Step.WaitForLeader(T)));
  }

  /** A plan that changes nothing it would have to put back: it only starts servers and waits. */
  private RecoveryPlan gentlePlan() {
    return new RecoveryPlan("r-gentle", "dc1", "restart-down-servers", "test", T0, List.of(
        new Step.StartAgent("s2", T), new Step.WaitForServerUp("s2", T),
        new Step.StartAgent("s3", T), new Step.WaitForServerUp("s3", T), new Step.WaitForLeader(T)));
  }

  private void journalCrash(RecoveryPlan plan, int completed, boolean startNext) {
    AuditJournal crashed = new AuditJournal(dir, "dc1", clock);
    crashed.recoveryPlanned(plan, false);
    for (int i = 0; i < completed; i++) {
      crashed.stepStarted(plan.id(), i, plan.steps().get(i));
      crashed.stepFinished(plan.id(), i, plan.steps().get(i), ExecutionResult.ok("", "", Duration.ZERO));
    }
    if (startNext) {
      crashed.stepStarted(plan.id(), completed, plan.steps().get(completed));
    }
  }

  @Test
  void aRestartAfterACrashInADestructiveStepPutsBackWhatItChangedAndNeverRepeatsIt() {
    journalCrash(crashedPlan(), 0, true); // died while stopping s1
    ClusterReconciler w = watch(RecoveryMode.AUTO, "s1");
    world.running.remove("s1"); // the stop had taken effect
    Optional<RunResult> resumed = w.resumeUnfinished();
    assertThat(world.calls).containsExactly("s1:start"); // the undo; the stop is never run again
    assertThat(world.running).contains("s1");
    assertThat(resumed.orElseThrow().reason()).contains("interrupted by a watchdog restart")
        .contains("undone: start agent s1");
    assertThat(w.state().state()).isEqualTo(RecoveryState.FAILED); // one server of three: still no leader
    assertThat(journal.unfinished()).isEmpty();
    assertThat(journal.read(AuditEvent.UndoFinished.class)).singleElement()
        .satisfies(e -> assertThat(e.stepIndex()).isZero());
    assertThat(outcome(journal.read().get(journal.read().size() - 1))).isEqualTo(AuditEvent.FAILED);
  }

  @Test
  void aWatchdogKilledAfterItsStopsStartsTheServersAgainInAnyMode() {
    // issue 8 #4: the re-probe would see UNOBSERVABLE (the watchdog's own stops) and end "no longer needs it"
    // with every server down; the servers it stopped are started again, whatever the mode is now
    RecoveryPlan plan = new RecoveryPlan("r-stops", "dc1", "peers-json", "test", T0, List.of(
        new Step.StopAgent("s1", T), new Step.StopAgent("s2", T), new Step.StopAgent("s3", T),
        new Step.StartAgent("s1", T), new Step.WaitForLeader(T)));
    journalCrash(plan, 3, false);
    ClusterReconciler w = watch(RecoveryMode.DETECT_ONLY);
    RunResult resumed = w.resumeUnfinished().orElseThrow();
    assertThat(world.calls).containsExactly("s3:start", "s2:start", "s1:start");
    assertThat(world.running).containsExactlyInAnyOrder("s1", "s2", "s3");
    assertThat(resumed.reason()).contains("undone");
    assertThat(outcome(journal.read().get(journal.read().size() - 1))).isEqualTo(AuditEvent.SUCCEEDED);
  }

  @Test
  void aRestartAfterACrashInAWaitOfAGentlePlanContinuesWithoutRerunningCompletedSteps() {
    journalCrash(gentlePlan(), 1, true); // start s2 done, died waiting for s2
    ClusterReconciler w = watch(RecoveryMode.AUTO, "s2"); // still no quorum: the re-probe lets it continue
    Optional<RunResult> resumed = w.resumeUnfinished();
    assertThat(resumed.orElseThrow().succeeded()).as(resumed.get().reason()).isTrue();
    assertThat(world.calls).containsExactly("s3:start");
    assertThat(w.state().state()).isEqualTo(RecoveryState.COOLDOWN);
    assertThat(outcome(journal.read().get(journal.read().size() - 1))).isEqualTo(AuditEvent.SUCCEEDED);
    assertThat(w.resumeUnfinished()).isEmpty();
  }

  @Test
  void aRestartInAnotherModeAbandonsAGentleUnfinishedRecovery() {
    journalCrash(gentlePlan(), 1, false);
    ClusterReconciler w = watch(RecoveryMode.DRY_RUN, "s1", "s2");
    RunResult resumed = w.resumeUnfinished().orElseThrow();
    assertThat(resumed.succeeded()).isFalse();
    assertThat(resumed.reason()).contains("mode dry-run");
    assertThat(world.calls).isEmpty();
  }

  @Test
  void aRestartFindingTheClusterHealedRunsNoStepOfTheUnfinishedPlan() {
    journalCrash(gentlePlan(), 1, true); // died waiting for s2; meanwhile every server came back
    ClusterReconciler w = watch(RecoveryMode.AUTO, "s1", "s2", "s3");
    RunResult resumed = w.resumeUnfinished().orElseThrow();
    assertThat(resumed.reason()).contains("no longer needs it");
    assertThat(world.calls).isEmpty();
    assertThat(journal.unfinished()).isEmpty();
    assertThat(outcome(journal.read().get(journal.read().size() - 1))).isEqualTo(AuditEvent.SUCCEEDED);
  }

}
