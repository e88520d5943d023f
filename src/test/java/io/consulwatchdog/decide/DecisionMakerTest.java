package io.consulwatchdog.decide;

import static io.consulwatchdog.Fixtures.T0;
import static io.consulwatchdog.Fixtures.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.decide.Decision.Kind;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DecisionMakerTest {
  private final DecisionMaker maker = new DecisionMaker();
  private final RecoveryConfig auto = Fixtures.recovery(RecoveryMode.AUTO, List.of("restart-down-servers"));

  private static EffectiveMode mode(RecoveryConfig config) {
    return EffectiveMode.resolve(config.mode(), ModeOverrides.none());
  }

  @Test
  void aForcedDryRunPlansOnlyEvenInAutoModeButNeverTurnsDetectOnlyIntoPlanning() {
    Run run = new Run();
    Verdict v = verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0);
    EffectiveMode forced = EffectiveMode.resolve(RecoveryMode.AUTO, new ModeOverrides(true));
    assertThat(forced.kind()).isEqualTo(EffectiveMode.Kind.DRY_RUN);
    assertThat(forced.reason()).contains("--dry-run");
    RecoveryConfig eager = new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers"),
        Duration.ofSeconds(3), 1, Duration.ZERO, Duration.ofMinutes(10), 3, Duration.ofHours(1),
        Duration.ofSeconds(60), false);
    assertThat(maker.decide(v, History.empty(), run.state, eager, forced, T0).kind()).isEqualTo(Kind.PLAN_ONLY);
    assertThat(EffectiveMode.resolve(RecoveryMode.DETECT_ONLY, new ModeOverrides(true)).kind())
        .isEqualTo(EffectiveMode.Kind.DETECT_ONLY);
  }

  /** Feeds one verdict per poll, pollEvery apart, carrying history and state; returns the last decision. */
  private final class Run {
    History history = History.empty();
    RecoveryStatus state = RecoveryStatus.initial("dc1", T0);
    Instant now = T0;
    Decision last;

    Decision poll(DiagnosisCode code, LeaderlessCause cause, RecoveryConfig config) {
      Verdict v = verdict(code, cause, now);
      history = history.record(v);
      last = maker.decide(v, history, state, config, mode(config), now);
      state = last.next();
      return last;
    }

    Decision polls(int n, DiagnosisCode code, Duration every, RecoveryConfig config) {
      for (int i = 0; i < n; i++) {
        poll(code, LeaderlessCause.VOTERS_DOWN, config);
        now = now.plus(every);
      }
      return last;
    }
  }

  @Test
  void healthyIsIgnored() {
    Run run = new Run();
    Decision d = run.poll(DiagnosisCode.HEALTHY, LeaderlessCause.NONE, auto);
    assertThat(d.kind()).isEqualTo(Kind.IGNORE);
    assertThat(d.next().state()).isEqualTo(RecoveryState.IDLE);
  }

  @ParameterizedTest
  @EnumSource(value = DiagnosisCode.class, names = {"UNOBSERVABLE", "ELECTION_IN_PROGRESS", "DEGRADED", "SPLIT_VIEW",
      "HEALTHY"})
  void neverRecoversOnCodesThatDoNotNeedIt(DiagnosisCode code) {
    RecoveryConfig eager = new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers"),
        Duration.ofSeconds(1), 1, Duration.ZERO, Duration.ZERO, 3, Duration.ofHours(1), Duration.ofSeconds(5), false);
    Run run = new Run();
    for (int i = 0; i < 50; i++) {
      Decision d = run.poll(code, LeaderlessCause.NONE, eager);
      run.now = run.now.plusSeconds(10);
      assertThat(d.kind()).isNotIn(Kind.RECOVER, Kind.ALERT_ONLY, Kind.HOLD);
      assertThat(d.next().state()).isEqualTo(RecoveryState.IDLE);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DiagnosisCode.class, names = {"LEADERLESS", "QUORUM_LOST"})
  void recoversOnlyAfterConfirmPollsConsecutivePolls(DiagnosisCode code) {
    Run run = new Run();
    assertThat(run.polls(1, code, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.WATCH);
    assertThat(run.state.state()).isEqualTo(RecoveryState.SUSPECT);
    assertThat(run.polls(1, code, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.WATCH);
    Decision third = run.polls(1, code, Duration.ofSeconds(5), auto);
    assertThat(third.kind()).isEqualTo(Kind.RECOVER);
    assertThat(third.next().state()).isEqualTo(RecoveryState.CONFIRMED);
    assertThat(third.reason()).contains("3/3 polls");
  }

  @Test
  void recoversOnlyAfterConfirmWindowHasPassed() {
    RecoveryConfig windowed = new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers"),
        Duration.ofSeconds(30), 2, Duration.ofSeconds(60), Duration.ofMinutes(10), 3, Duration.ofHours(1),
        Duration.ofSeconds(20), false);
    Run run = new Run();
    // 7 polls, 10 s apart: the first at T0, the seventh at T0+60s.
    for (int i = 0; i < 6; i++) {
      assertThat(run.polls(1, DiagnosisCode.LEADERLESS, Duration.ofSeconds(10), windowed).kind())
          .as("poll " + (i + 1)).isEqualTo(Kind.WATCH);
    }
    assertThat(run.polls(1, DiagnosisCode.LEADERLESS, Duration.ofSeconds(10), windowed).kind())
        .isEqualTo(Kind.RECOVER);
  }

  @Test
  void anUnobservablePollRestartsTheConfirmation() {
    Run run = new Run();
    run.polls(2, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), auto);
    Decision blind = run.poll(DiagnosisCode.UNOBSERVABLE, LeaderlessCause.NONE, auto);
    assertThat(blind.kind()).isEqualTo(Kind.IGNORE);
    assertThat(blind.reason()).contains("cannot see");
    run.now = run.now.plusSeconds(5);
    assertThat(run.polls(2, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.WATCH);
    assertThat(run.polls(1, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.RECOVER);
  }

  @Test
  void aNormalElectionBetweenBadPollsRestartsTheConfirmation() {
    Run run = new Run();
    run.polls(2, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), auto);
    run.poll(DiagnosisCode.ELECTION_IN_PROGRESS, LeaderlessCause.NONE, auto);
    assertThat(run.state.state()).isEqualTo(RecoveryState.IDLE);
    assertThat(run.polls(1, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.WATCH);
  }

  @Test
  void detectOnlyAlertsButNeverRecovers() {
    RecoveryConfig detect = Fixtures.recovery(RecoveryMode.DETECT_ONLY, List.of("restart-down-servers"));
    Run run = new Run();
    Decision d = run.polls(10, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), detect);
    assertThat(d.kind()).isEqualTo(Kind.ALERT_ONLY);
    assertThat(d.next().state()).isEqualTo(RecoveryState.CONFIRMED);
  }

  @Test
  void dryRunDecidesToPlanOnly() {
    RecoveryConfig dry = Fixtures.recovery(RecoveryMode.DRY_RUN, List.of("restart-down-servers"));
    Run run = new Run();
    Decision d = run.polls(3, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), dry);
    assertThat(d.kind()).isEqualTo(Kind.PLAN_ONLY);
    assertThat(d.reason()).contains("mode dry-run");
    // After the plan is printed the state cools down, so the plan is not printed every poll.
    run.state = run.state.dryRunPrinted("r1", run.now, dry);
    assertThat(run.polls(1, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), dry).kind()).isEqualTo(Kind.HOLD);
  }

  @Test
  void cooldownHoldsANewRecoveryUntilItEnds() {
    Run run = new Run();
    run.polls(3, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), auto);
    run.state = run.state.recoveryStarted("r1", run.now).moveTo(RecoveryState.VERIFYING, run.now)
        .recoveryFinished(true, run.now, auto);
    assertThat(run.state.state()).isEqualTo(RecoveryState.COOLDOWN);
    Decision held = run.polls(5, DiagnosisCode.QUORUM_LOST, Duration.ofMinutes(1), auto);
    assertThat(held.kind()).isEqualTo(Kind.HOLD);
    assertThat(held.reason()).contains("cooldown until");
    run.now = T0.plus(Duration.ofMinutes(11));
    assertThat(run.polls(1, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.RECOVER);
  }

  @Test
  void healthyDuringCooldownStaysInCooldownThenGoesIdle() {
    Run run = new Run();
    run.state = run.state.moveTo(RecoveryState.CONFIRMED, T0).recoveryStarted("r1", T0)
        .moveTo(RecoveryState.VERIFYING, T0).recoveryFinished(true, T0, auto);
    assertThat(run.poll(DiagnosisCode.HEALTHY, LeaderlessCause.NONE, auto).next().state())
        .isEqualTo(RecoveryState.COOLDOWN);
    run.now = T0.plus(Duration.ofMinutes(10));
    assertThat(run.poll(DiagnosisCode.HEALTHY, LeaderlessCause.NONE, auto).next().state())
        .isEqualTo(RecoveryState.IDLE);
  }

  @Test
  void maxFailuresWithinTheWindowEscalateUntilAcknowledged() {
    Run run = new Run();
    for (int i = 1; i <= 3; i++) {
      Decision d = run.polls(1, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), auto);
      if (i == 1) {
        d = run.polls(2, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), auto);
      }
      assertThat(d.kind()).as("failure " + i).isEqualTo(Kind.RECOVER);
      run.state = run.state.recoveryStarted("r" + i, run.now).recoveryFinished(false, run.now, auto);
      run.now = run.now.plus(Duration.ofMinutes(11));
    }
    assertThat(run.state.state()).isEqualTo(RecoveryState.ESCALATED);
    assertThat(run.state.escalated()).isTrue();
    Decision held = run.polls(3, DiagnosisCode.QUORUM_LOST, Duration.ofMinutes(30), auto);
    assertThat(held.kind()).isEqualTo(Kind.HOLD);
    assertThat(held.reason()).contains("consul-watchdog ack dc1");

    run.state = run.state.acknowledged(run.now);
    assertThat(run.state.state()).isEqualTo(RecoveryState.IDLE);
    assertThat(run.state.acknowledgedAt()).contains(run.now);
    assertThat(run.polls(1, DiagnosisCode.QUORUM_LOST, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.RECOVER);
  }

  @Test
  void aHealthyClusterClearsAnEscalation() {
    Run run = new Run();
    run.state = new RecoveryStatus("dc1", RecoveryState.ESCALATED, T0, Optional.of("r3"),
        Optional.empty(), List.of(T0, T0, T0), true, Optional.empty());
    assertThat(run.poll(DiagnosisCode.DEGRADED, LeaderlessCause.NONE, auto).kind()).isEqualTo(Kind.HOLD);
    Decision d = run.poll(DiagnosisCode.HEALTHY, LeaderlessCause.NONE, auto);
    assertThat(d.kind()).isEqualTo(Kind.IGNORE);
    assertThat(d.next().state()).isEqualTo(RecoveryState.IDLE);
    assertThat(d.next().escalated()).isFalse();
    assertThat(d.next().recentFailures()).isEmpty();
  }

  @Test
  void failuresOutsideTheWindowDoNotEscalate() {
    RecoveryStatus s = RecoveryStatus.initial("dc1", T0);
    Instant t = T0;
    for (int i = 0; i < 3; i++) {
      s = s.moveTo(RecoveryState.CONFIRMED, t).recoveryStarted("r" + i, t).recoveryFinished(false, t, auto);
      assertThat(s.state()).isEqualTo(RecoveryState.FAILED);
      t = t.plus(Duration.ofMinutes(40));
    }
    assertThat(s.recentFailures()).hasSize(2);
  }

  @Test
  void failedRecoveryWaitsForTheCooldownBeforeRetrying() {
    Run run = new Run();
    run.polls(3, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), auto);
    run.state = run.state.recoveryStarted("r1", run.now).recoveryFinished(false, run.now, auto);
    assertThat(run.polls(1, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.HOLD);
    assertThat(run.state.state()).isEqualTo(RecoveryState.FAILED);
    run.now = run.now.plus(Duration.ofMinutes(10));
    assertThat(run.polls(1, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), auto).kind()).isEqualTo(Kind.RECOVER);
  }

  @Test
  void aRecoveryUnderWayIsNeverStartedAgain() {
    Run run = new Run();
    run.polls(3, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), auto);
    run.state = run.state.recoveryStarted("r1", run.now);
    Decision d = run.polls(1, DiagnosisCode.LEADERLESS, Duration.ofSeconds(5), auto);
    assertThat(d.kind()).isEqualTo(Kind.HOLD);
    assertThat(d.reason()).contains("r1");
  }

  @Test
  void aStreakMustHoldTheSameCauseAndTheSameServers() {
    // issue 8 #3: two polls say VOTERS_DOWN, the third STALE_CONFIGURATION: the count starts again
    RecoveryConfig eager = new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers"),
        Duration.ofSeconds(3), 3, Duration.ZERO, Duration.ofMinutes(10), 3, Duration.ofHours(1),
        Duration.ofSeconds(60), false);
    History h = History.empty();
    RecoveryStatus state = RecoveryStatus.initial("dc1", T0);
    Decision last = null;
    Verdict[] polls = {
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0, "s2", "s3"),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0.plusSeconds(5), "s2", "s3"),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.STALE_CONFIGURATION, T0.plusSeconds(10), "s4"),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.STALE_CONFIGURATION, T0.plusSeconds(15), "s4"),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0.plusSeconds(20), "s3")};
    for (Verdict v : polls) {
      h = h.record(v);
      last = maker.decide(v, h, state, eager, mode(eager), v.at());
      state = last.next();
      assertThat(last.kind()).as(last.reason()).isEqualTo(Kind.WATCH);
    }
    assertThat(last.reason()).contains("1/3 polls");
  }

  @Test
  void aWallClockStepCannotShortenTheConfirmationWindow() {
    // the wall clock jumps an hour ahead between polls one second apart on the monotonic clock
    RecoveryConfig windowed = new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers"),
        Duration.ofSeconds(3), 2, Duration.ofSeconds(60), Duration.ofMinutes(10), 3, Duration.ofHours(1),
        Duration.ofSeconds(60), false);
    Verdict first = verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0);
    Verdict jumped = withMonotonic(verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN,
        T0.plus(Duration.ofHours(1))), first.monotonicNanos() + Duration.ofSeconds(1).toNanos());
    History h = History.empty().record(first).record(jumped);
    RecoveryStatus state = maker.decide(first, History.empty().record(first), RecoveryStatus.initial("dc1", T0),
        windowed, mode(windowed), T0).next();
    Decision d = maker.decide(jumped, h, state, windowed, mode(windowed), jumped.at());
    assertThat(d.kind()).as(d.reason()).isEqualTo(Kind.WATCH);
    assertThat(d.reason()).contains("2/2 polls and 1s/60s");
  }

  private static Verdict withMonotonic(Verdict v, long nanos) {
    return new Verdict(v.cluster(), v.at(), v.code(), v.cause(), v.evidence(), v.leader(), v.leaderlessFor(),
        v.configuredServers(), v.reachableServers(), v.voters(), v.liveVoters(), v.concerned(), nanos,
        v.voterFates(), v.nameMismatches());
  }

  @Test
  void decideIsPureForTheSameInputs() {
    Verdict v = verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0);
    History h = History.empty().record(v);
    RecoveryStatus s = RecoveryStatus.initial("dc1", T0);
    assertThat(maker.decide(v, h, s, auto, mode(auto), T0)).isEqualTo(maker.decide(v, h, s, auto, mode(auto), T0));
    // History without the verdict is completed the same way.
    assertThat(maker.decide(v, History.empty(), s, auto, mode(auto), T0)).isEqualTo(maker.decide(v, h, s, auto, mode(auto), T0));
  }
}
