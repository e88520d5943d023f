package io.consulwatchdog.decide;

/**
 * What the watchdog decided for one poll, why, and the state it leads to.
 *
 * @param kind what to do
 * @param reason one sentence explaining the decision
 * @param next the cluster's recovery status after this decision
 */
public record Decision(Kind kind, String reason, RecoveryStatus next) {

  /** The closed list of things the decision maker can decide. */
  public enum Kind {
    /** Nothing to do: healthy, or a state the watchdog never acts on. */
    IGNORE,
    /** The cluster looks bad but is not confirmed yet; keep polling. */
    WATCH,
    /** Confirmed bad, but the mode forbids acting (detect-only): alert only. */
    ALERT_ONLY,
    /** Confirmed bad: re-probe, plan and run a recovery. */
    RECOVER,
    /** Confirmed bad, but the mode allows only planning: re-probe, plan and log the plan, run nothing. */
    PLAN_ONLY,
    /** Would act, but a cooldown or an escalation holds it back. */
    HOLD
  }

  /** True when a recovery should be planned (and run, for RECOVER). */
  public boolean plans() {
    return kind == Kind.RECOVER || kind == Kind.PLAN_ONLY;
  }
}
