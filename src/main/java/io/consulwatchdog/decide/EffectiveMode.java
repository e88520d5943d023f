package io.consulwatchdog.decide;

import io.consulwatchdog.config.RecoveryMode;

/**
 * The mode a cluster is run in right now, and why: the configured mode as overridden by the operator
 * (a forced dry-run). The one place where overrides meet the config.
 *
 * @param kind what the watchdog may do
 * @param reason where this mode comes from, e.g. "recovery.mode in the config"
 */
public record EffectiveMode(Kind kind, String reason) {

  /** What the watchdog may do in a mode. */
  public enum Kind {
    /** Act on a confirmed leaderless state. */
    AUTO("auto"),
    /** Plan and log, never act. */
    DRY_RUN("dry-run"),
    /** Alert only. */
    DETECT_ONLY("detect-only"),
    /** Paused by an operator: plan and log, never act. */
    PAUSED("paused"),
    /** Inside a maintenance window: plan and log, never act. */
    MAINTENANCE("maintenance");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name used in logs, metrics and the status API. */
    public String label() {
      return label;
    }

    /** True when a confirmed state leads to a plan that is logged instead of run. */
    public boolean plansOnly() {
      return this == DRY_RUN || this == PAUSED || this == MAINTENANCE;
    }
  }

  /**
   * The effective mode of a cluster.
   *
   * @param configured recovery.mode from the config
   * @param overrides what the operator imposed on the running watchdog
   */
  public static EffectiveMode resolve(RecoveryMode configured, ModeOverrides overrides) {
    if (overrides.forcedDryRun() && configured != RecoveryMode.DETECT_ONLY) {
      return new EffectiveMode(Kind.DRY_RUN, "forced by run --dry-run");
    }
    Kind kind = switch (configured) {
      case AUTO -> Kind.AUTO;
      case DRY_RUN -> Kind.DRY_RUN;
      case DETECT_ONLY -> Kind.DETECT_ONLY;
    };
    return new EffectiveMode(kind, "recovery.mode in the config");
  }

  /** True when the watchdog may run a recovery plan. */
  public boolean mayAct() {
    return kind == Kind.AUTO;
  }

  @Override
  public String toString() {
    return kind.label() + " (" + reason + ")";
  }
}
