package io.consulwatchdog.daemon;

/** Told how every tick of every cluster ran; the scale benchmark counts missed ticks with it. */
@FunctionalInterface
public interface TickListener {
  /** A listener that ignores everything (the daemon's default). */
  TickListener NONE = timing -> {};

  /** Called on the cluster's scheduler thread after each tick; must be quick and must not throw. */
  void ticked(TickTiming timing);
}
