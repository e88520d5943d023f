package io.consulwatchdog.decide;

/**
 * What an operator imposed on a running watchdog over the configured modes.
 *
 * @param forcedDryRun `run --dry-run`: no cluster acts, whatever its recovery.mode
 */
public record ModeOverrides(boolean forcedDryRun) {

  /** No overrides: every cluster runs in its configured mode. */
  public static ModeOverrides none() {
    return new ModeOverrides(false);
  }
}
