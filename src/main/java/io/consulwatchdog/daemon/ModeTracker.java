package io.consulwatchdog.daemon;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.recover.PauseStore;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster's effective mode now, as its loop and the status API ask for it: {@link EffectiveMode#resolve} on
 * the config, the operator's overrides, the saved pause and the maintenance windows at the clock's time.
 * Each change is logged once and exported as consul_watchdog_effective_mode.
 */
final class ModeTracker implements Supplier<EffectiveMode> {
  private static final Logger log = LoggerFactory.getLogger(ModeTracker.class);

  private final ClusterConfig cluster;
  private final ModeOverrides overrides;
  private final PauseStore pauses;
  private final Clock clock;
  private final WatchdogMetrics metrics;
  private EffectiveMode last;

  ModeTracker(ClusterConfig cluster, ModeOverrides overrides, PauseStore pauses, Clock clock, WatchdogMetrics metrics) {
    this.cluster = cluster;
    this.overrides = overrides;
    this.pauses = pauses;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** The mode now; logs and exports it when it differs from the last one returned. */
  @Override
  public synchronized EffectiveMode get() {
    EffectiveMode now = EffectiveMode.resolve(cluster.recovery().mode(), overrides, pauses.load(cluster.name()),
        cluster.maintenanceWindows(), clock.instant());
    if (last == null) {
      log.info("cluster {}: mode {}", cluster.name(), now);
    } else if (last.kind() != now.kind() || !last.reason().equals(now.reason())) {
      log.info("cluster {}: mode {} -> {}", cluster.name(), last.kind().label(), now);
    }
    if (last == null || last.kind() != now.kind()) {
      metrics.effectiveMode(cluster.name(), now.kind());
    }
    last = now;
    return now;
  }
}
