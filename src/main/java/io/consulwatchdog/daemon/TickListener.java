package io.consulwatchdog.daemon;

import java.time.Duration;
import java.time.Instant;

/** Told how every tick of every cluster ran; the scale benchmark counts missed ticks with it. */
@FunctionalInterface
public interface TickListener {
  /** A listener that ignores everything (the daemon's default). */
  TickListener NONE = timing -> {};

  /** Called once per cluster when its schedule is set: the first tick is due at firstTick, then every interval. */
  default void scheduled(String cluster, Instant firstTick, Duration interval) {}

  /** Called on the cluster's scheduler thread after each tick; must be quick and must not throw. */
  void ticked(TickTiming timing);
}
