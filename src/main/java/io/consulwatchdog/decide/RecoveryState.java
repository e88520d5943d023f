package io.consulwatchdog.decide;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The per-cluster recovery state machine; {@link #allowed} is its whole transition table. */
public enum RecoveryState {
  /** Nothing wrong, or nothing the watchdog would act on. */
  IDLE,
  /** The cluster needs recovery but the bad state is not yet confirmed by polls and time. */
  SUSPECT,
  /** The bad state lasted confirmPolls polls and confirmWindow: a recovery may start. */
  CONFIRMED,
  /** A recovery plan is running. */
  RECOVERING,
  /** The plan ran; the watchdog checks that the cluster has a leader again. */
  VERIFYING,
  /** A recovery (or a dry-run plan) happened recently; no new one until the cooldown ends. */
  COOLDOWN,
  /** The last recovery failed; another may start after the cooldown. */
  FAILED,
  /** Too many recoveries failed: nothing is done until an operator acknowledges or the cluster heals. */
  ESCALATED;

  private static final Map<RecoveryState, Set<RecoveryState>> TABLE = Map.of(
      IDLE, EnumSet.of(SUSPECT, CONFIRMED),
      SUSPECT, EnumSet.of(IDLE, CONFIRMED),
      CONFIRMED, EnumSet.of(IDLE, SUSPECT, RECOVERING, COOLDOWN),
      RECOVERING, EnumSet.of(VERIFYING, FAILED),
      VERIFYING, EnumSet.of(COOLDOWN, FAILED),
      COOLDOWN, EnumSet.of(IDLE, SUSPECT, CONFIRMED),
      FAILED, EnumSet.of(IDLE, SUSPECT, CONFIRMED, ESCALATED),
      ESCALATED, EnumSet.of(IDLE));

  /** The states this one may move to; staying in the same state is always allowed and not listed. */
  public Set<RecoveryState> allowed() {
    return EnumSet.copyOf(TABLE.get(this));
  }

  /** True when moving from this state to next is legal (including staying put). */
  public boolean canMoveTo(RecoveryState next) {
    return next == this || TABLE.get(this).contains(next);
  }

  /** Returns next if the move is legal; throws IllegalStateException otherwise. */
  public RecoveryState moveTo(RecoveryState next) {
    if (!canMoveTo(next)) {
      throw new IllegalStateException("illegal recovery state transition " + this + " -> " + next);
    }
    return next;
  }

  /** True while a recovery is under way (its end has not been recorded). */
  public boolean inRecovery() {
    return this == RECOVERING || this == VERIFYING;
  }
}
