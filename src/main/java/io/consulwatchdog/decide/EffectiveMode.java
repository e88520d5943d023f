package io.consulwatchdog.decide;

import io.consulwatchdog.config.MaintenanceWindow;
import io.consulwatchdog.config.RecoveryMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mode a cluster is run in right now, and why: the configured mode as overridden by the operator (a
 * pause, a forced dry-run) and by the cluster's maintenance windows. The one place where these meet.
 *
 * @param kind what the watchdog may do
 * @param reason where this mode comes from, e.g. "recovery.mode in the config"
 * @param until when this mode ends by itself (the end of a pause or of a maintenance window), if it does
 */
public record EffectiveMode(Kind kind, String reason, Optional<Instant> until) {

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

  /** The effective mode of a cluster with neither a pause nor maintenance windows. */
  public static EffectiveMode resolve(RecoveryMode configured, ModeOverrides overrides) {
    return resolve(configured, overrides, Optional.empty(), List.of(), Instant.EPOCH);
  }

  /**
   * The effective mode of a cluster at a time. A detect-only cluster stays detect-only (a pause or a window
   * never makes it plan; the reason mentions them). Otherwise, first match wins: an active pause (PAUSED), an
   * open maintenance window (MAINTENANCE), `run --dry-run` (DRY_RUN), the configured mode.
   *
   * @param configured recovery.mode from the config
   * @param overrides what the operator imposed on the running watchdog at its start
   * @param pause the cluster's pause, if any (an expired one does not count)
   * @param windows the cluster's maintenance windows
   * @param now the time the mode is wanted for
   */
  public static EffectiveMode resolve(RecoveryMode configured, ModeOverrides overrides, Optional<Pause> pause,
      List<MaintenanceWindow> windows, Instant now) {
    Optional<Pause> paused = pause.filter(p -> p.activeAt(now));
    Optional<OpenWindow> open = openWindow(windows, now);
    if (configured == RecoveryMode.DETECT_ONLY) {
      List<String> also = new ArrayList<>();
      paused.ifPresent(p -> also.add(p.describe()));
      open.ifPresent(w -> also.add(w.describe()));
      return new EffectiveMode(Kind.DETECT_ONLY, "recovery.mode in the config"
          + (also.isEmpty() ? "" : " (also " + String.join("; ", also) + ")"), Optional.empty());
    }
    if (paused.isPresent()) {
      return new EffectiveMode(Kind.PAUSED, paused.get().describe(), Optional.of(paused.get().until()));
    }
    if (open.isPresent()) {
      return new EffectiveMode(Kind.MAINTENANCE, open.get().describe(), Optional.of(open.get().until()));
    }
    if (overrides.forcedDryRun()) {
      return new EffectiveMode(Kind.DRY_RUN, "forced by run --dry-run", Optional.empty());
    }
    Kind kind = configured == RecoveryMode.AUTO ? Kind.AUTO : Kind.DRY_RUN;
    return new EffectiveMode(kind, "recovery.mode in the config", Optional.empty());
  }

  /** The open window that closes last, if any window is open at now. */
  private static Optional<OpenWindow> openWindow(List<MaintenanceWindow> windows, Instant now) {
    Optional<OpenWindow> latest = Optional.empty();
    for (MaintenanceWindow w : windows) {
      Optional<Instant> until = w.activeUntil(now);
      if (until.isPresent() && latest.map(l -> until.get().isAfter(l.until())).orElse(true)) {
        latest = Optional.of(new OpenWindow(w, until.get()));
      }
    }
    return latest;
  }

  /** A maintenance window open now, and when it closes. */
  private record OpenWindow(MaintenanceWindow window, Instant until) {
    String describe() {
      return window.describe() + " until " + until;
    }
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
