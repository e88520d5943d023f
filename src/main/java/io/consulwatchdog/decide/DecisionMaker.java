package io.consulwatchdog.decide;

import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.decide.Decision.Kind;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;

/**
 * Decides, from values only, whether a verdict calls for a recovery: pure, no I/O, no clock reads.
 *
 * <p>A recovery is decided only for LEADERLESS or QUORUM_LOST lasting both confirmPolls consecutive polls and
 * confirmWindow with the same cause and the same servers concerned (a poll that disagrees starts the count
 * again); the window is measured on the monotonic clock, so a step of the wall clock cannot shorten it. Never
 * for UNOBSERVABLE, ELECTION_IN_PROGRESS, DEGRADED, SPLIT_VIEW or HEALTHY.
 */
public final class DecisionMaker {

  /**
   * Decides what to do after one poll.
   *
   * @param verdict the newest verdict
   * @param history the history including the newest verdict (it is added if missing)
   * @param state the cluster's current watch state
   * @param config the cluster's recovery settings
   * @param mode the cluster's effective mode now
   * @param now the current time from the injected clock
   */
  public Decision decide(Verdict verdict, History history, RecoveryStatus state, RecoveryConfig config,
      EffectiveMode mode, Instant now) {
    History h = history.latest().filter(verdict::equals).isPresent() ? history : history.record(verdict);
    DiagnosisCode code = verdict.code();

    if (state.state() == RecoveryState.ESCALATED) {
      if (code == DiagnosisCode.HEALTHY) {
        return new Decision(Kind.IGNORE, "cluster is healthy again: escalation cleared", state.healed(now));
      }
      return new Decision(Kind.HOLD, "escalated after " + state.recentFailures().size()
          + " failed recoveries: waiting for an operator (consul-watchdog ack " + state.cluster() + ")", state);
    }
    if (state.state().inRecovery()) {
      return new Decision(Kind.HOLD, "recovery " + state.recoveryId().orElse("?") + " is still under way",
          state);
    }
    if (!code.needsRecovery()) {
      return new Decision(kindFor(code), reasonFor(verdict), settle(state, code, now));
    }

    Streak streak = Streak.of(h.recent());
    Duration bad = streak.lasted();
    String progress = verdict.summary().split(" leader=")[0] + " for " + streak.polls() + "/" + config.confirmPolls()
        + " polls and " + bad.toSeconds() + "s/" + config.confirmWindow().toSeconds() + "s";
    if (state.coolingDown(now)) {
      return new Decision(Kind.HOLD, progress + "; cooldown until " + state.cooldownUntil().orElseThrow(),
          state);
    }
    boolean confirmed = streak.polls() >= config.confirmPolls() && bad.compareTo(config.confirmWindow()) >= 0;
    if (!confirmed) {
      return new Decision(Kind.WATCH, progress + ": not confirmed yet",
          state.moveTo(RecoveryState.SUSPECT, now));
    }
    RecoveryStatus confirmedState = state.moveTo(RecoveryState.CONFIRMED, now);
    if (mode.mayAct()) {
      return new Decision(Kind.RECOVER, progress + ": confirmed, recovering", confirmedState);
    }
    if (mode.kind().plansOnly()) {
      return new Decision(Kind.PLAN_ONLY, progress + ": confirmed, mode " + mode + ": plan only", confirmedState);
    }
    return new Decision(Kind.ALERT_ONLY, progress + ": confirmed, mode " + mode + ": alert only", confirmedState);
  }

  /** Where the state machine rests while the cluster needs no recovery. */
  private static RecoveryStatus settle(RecoveryStatus state, DiagnosisCode code, Instant now) {
    RecoveryState s = state.state();
    if ((s == RecoveryState.COOLDOWN || s == RecoveryState.FAILED) && state.coolingDown(now)) {
      return code == DiagnosisCode.HEALTHY && s == RecoveryState.FAILED ? state.healed(now) : state;
    }
    if (code == DiagnosisCode.HEALTHY) {
      return state.healed(now);
    }
    return code == DiagnosisCode.UNOBSERVABLE && s == RecoveryState.FAILED ? state
        : state.moveTo(RecoveryState.IDLE, now);
  }

  private static Kind kindFor(DiagnosisCode code) {
    return switch (code) {
      case ELECTION_IN_PROGRESS, SPLIT_VIEW -> Kind.WATCH;
      default -> Kind.IGNORE;
    };
  }

  private static String reasonFor(Verdict verdict) {
    return switch (verdict.code()) {
      case HEALTHY -> "cluster is healthy";
      case DEGRADED -> "cluster has a leader (degraded): nothing to recover";
      case ELECTION_IN_PROGRESS -> "an election is in progress: a normal event, never acted on";
      case SPLIT_VIEW -> "servers report different leaders: needs an operator, never acted on automatically";
      case UNOBSERVABLE -> "the watchdog cannot see the cluster: never acted on";
      default -> verdict.summary();
    };
  }

  /**
   * The run of consecutive polls, newest last, whose verdicts need recovery for the same cause and concern the
   * same servers as the newest; its length in time is measured on the monotonic clock.
   */
  record Streak(int polls, Instant start, Duration lasted) {
    static Streak of(List<Verdict> recent) {
      Verdict latest = recent.get(recent.size() - 1);
      int polls = 0;
      Verdict first = latest;
      for (int i = recent.size() - 1; i >= 0 && samePinnedState(recent.get(i), latest); i--) {
        polls++;
        first = recent.get(i);
      }
      return new Streak(polls, first.at(), Duration.ofNanos(Math.max(0, latest.monotonicNanos()
          - first.monotonicNanos())));
    }
  }

  /** True when a verdict needs recovery for the same cause, about the same servers, as the pinned one. */
  public static boolean samePinnedState(Verdict v, Verdict pinned) {
    return v.code().needsRecovery() && v.cause() == pinned.cause()
        && new HashSet<>(v.concerned()).equals(new HashSet<>(pinned.concerned()));
  }
}
