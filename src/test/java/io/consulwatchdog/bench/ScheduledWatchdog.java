package io.consulwatchdog.bench;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.daemon.PollScheduler;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.recover.ReconcilerFactory;
import org.quartz.SchedulerException;

/**
 * One cluster's loop on the daemon's own schedule (PollScheduler: a tick every poll interval from now,
 * ticks never overlap, a long recovery tick delays the next): the watchdog as the daemon runs it, minus the
 * process around it.
 */
final class ScheduledWatchdog implements AutoCloseable {
  private final PollScheduler scheduler;

  private ScheduledWatchdog(PollScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Builds the cluster's loop with the factory and starts ticking it now, each tick noted by ticks. */
  static ScheduledWatchdog start(ReconcilerFactory factory, ClusterConfig cluster, TickRecorder ticks) {
    EffectiveMode mode = EffectiveMode.resolve(cluster.recovery().mode(), ModeOverrides.none());
    factory.metrics().registerCluster(cluster);
    PollScheduler scheduler;
    try {
      scheduler = new PollScheduler(1);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot create the watchdog's scheduler: " + e.getMessage(), e);
    }
    try {
      Runnable tick = ticks.around(factory.create(cluster, () -> mode));
      scheduler.schedule(cluster.name(), cluster.pollInterval(), scheduledAt -> tick.run());
      scheduler.start();
      return new ScheduledWatchdog(scheduler);
    } catch (SchedulerException | RuntimeException e) {
      scheduler.close();
      throw new IllegalStateException("cannot schedule the watchdog's ticks: " + e.getMessage(), e);
    }
  }

  /** Stops ticking; waits for a tick under way. */
  @Override
  public void close() {
    scheduler.close();
  }
}
