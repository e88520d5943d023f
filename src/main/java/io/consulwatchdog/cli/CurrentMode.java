package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.recover.PauseStore;
import java.time.Clock;

/**
 * The mode the daemon runs a cluster in now, as a command outside the daemon can know it: its pause in the
 * state dir and its maintenance windows counted; not a `run --dry-run`, which only the daemon knows (see `status`).
 */
final class CurrentMode {
  private CurrentMode() {}

  /** The effective mode of a configured cluster now. */
  static EffectiveMode of(WatchdogConfig config, ClusterConfig cluster, Clock clock) {
    return EffectiveMode.resolve(cluster.recovery().mode(), ModeOverrides.none(),
        new PauseStore(config.stateDir()).load(cluster.name()), cluster.maintenanceWindows(), clock.instant());
  }
}
