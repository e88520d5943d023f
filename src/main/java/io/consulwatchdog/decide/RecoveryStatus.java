package io.consulwatchdog.decide;

import io.consulwatchdog.config.RecoveryConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The persisted recovery state of one cluster; an immutable value whose methods return the next value.
 *
 * @param cluster cluster name
 * @param state the state machine's current state
 * @param since when the current state was entered
 * @param recoveryId the recovery under way or last run, if any
 * @param cooldownUntil no new recovery starts before this instant
 * @param recentFailures times of failed recoveries, pruned to the failure window
 * @param escalated true while waiting for an operator
 * @param acknowledgedAt when an operator last acknowledged an escalation
 */
public record RecoveryStatus(
    String cluster,
    RecoveryState state,
    Instant since,
    Optional<String> recoveryId,
    Optional<Instant> cooldownUntil,
    List<Instant> recentFailures,
    boolean escalated,
    Optional<Instant> acknowledgedAt) {

  public RecoveryStatus {
    recentFailures = List.copyOf(recentFailures);
  }

  /** The state of a cluster never seen before. */
  public static RecoveryStatus initial(String cluster, Instant now) {
    return new RecoveryStatus(cluster, RecoveryState.IDLE, now, Optional.empty(), Optional.empty(), List.of(), false,
        Optional.empty());
  }

  /** This state moved to next (checked against the transition table); since changes only on a real move. */
  public RecoveryStatus moveTo(RecoveryState next, Instant now) {
    RecoveryState checked = state.moveTo(next);
    if (checked == state) {
      return this;
    }
    return new RecoveryStatus(cluster, checked, now, recoveryId, cooldownUntil, recentFailures,
        checked == RecoveryState.ESCALATED, acknowledgedAt);
  }

  /** A recovery with this id starts now. */
  public RecoveryStatus recoveryStarted(String id, Instant now) {
    RecoveryStatus moved = moveTo(RecoveryState.RECOVERING, now);
    return new RecoveryStatus(cluster, moved.state, moved.since, Optional.of(id), cooldownUntil, recentFailures,
        false, acknowledgedAt);
  }

  /**
   * A recovery found unfinished in the journal after a watchdog restart, whatever the state file said
   * (it may be lost or older than the journal): not a transition, a restoration.
   */
  public RecoveryStatus restoredRecovering(String id, Instant now) {
    return new RecoveryStatus(cluster, RecoveryState.RECOVERING, now, Optional.of(id), cooldownUntil, recentFailures,
        false, acknowledgedAt);
  }

  /** A plan was printed in dry-run mode: quiet until the cooldown ends so it is not printed every poll. */
  public RecoveryStatus dryRunPrinted(String id, Instant now, RecoveryConfig config) {
    RecoveryStatus moved = moveTo(RecoveryState.COOLDOWN, now);
    return new RecoveryStatus(cluster, moved.state, moved.since, Optional.of(id),
        Optional.of(now.plus(config.cooldown())), recentFailures, false, acknowledgedAt);
  }

  /**
   * The recovery under way ended: COOLDOWN on success; FAILED, or ESCALATED once maxFailures failures
   * fall within failureWindow.
   */
  public RecoveryStatus recoveryFinished(boolean succeeded, Instant now, RecoveryConfig config) {
    Optional<Instant> until = Optional.of(now.plus(config.cooldown()));
    if (succeeded) {
      RecoveryStatus moved = moveTo(RecoveryState.COOLDOWN, now);
      return new RecoveryStatus(cluster, moved.state, moved.since, recoveryId, until, recentFailures, false,
          acknowledgedAt);
    }
    List<Instant> failures = new ArrayList<>(failuresWithin(now, config));
    failures.add(now);
    RecoveryStatus failed = moveTo(RecoveryState.FAILED, now);
    RecoveryStatus withFailures = new RecoveryStatus(cluster, failed.state, failed.since, recoveryId, until, failures,
        false, acknowledgedAt);
    return failures.size() >= config.maxFailures() ? withFailures.moveTo(RecoveryState.ESCALATED, now)
        : withFailures;
  }

  /** An operator acknowledged: back to IDLE with the failure count cleared. */
  public RecoveryStatus acknowledged(Instant now) {
    return new RecoveryStatus(cluster, RecoveryState.IDLE, now, recoveryId, cooldownUntil, List.of(), false,
        Optional.of(now));
  }

  /** The cluster is healthy again: an escalation or failure streak is over. */
  public RecoveryStatus healed(Instant now) {
    RecoveryStatus moved = moveTo(RecoveryState.IDLE, now);
    return new RecoveryStatus(cluster, moved.state, moved.since, recoveryId, cooldownUntil, List.of(), false,
        acknowledgedAt);
  }

  /** The failures recorded within the failure window that ends now. */
  public List<Instant> failuresWithin(Instant now, RecoveryConfig config) {
    Instant from = now.minus(config.failureWindow());
    return recentFailures.stream().filter(t -> t.isAfter(from)).toList();
  }

  /** True while a cooldown holds new recoveries back. */
  public boolean coolingDown(Instant now) {
    return cooldownUntil.map(now::isBefore).orElse(false);
  }
}
