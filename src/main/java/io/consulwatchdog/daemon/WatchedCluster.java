package io.consulwatchdog.daemon;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.recover.ClusterReconciler;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cluster as the daemon watches it: its lock, its loop (built for its current config), its mode and the
 * progress of its loop. Ticks, control actions and a reload's new config never run at the same time: a new
 * config is taken up between two ticks, so a recovery under way always finishes with the config it started
 * with.
 */
final class WatchedCluster {
  private static final Logger log = LoggerFactory.getLogger(WatchedCluster.class);

  /**
   * A cluster's loop as built for one config.
   *
   * @param config the cluster's config
   * @param mode its effective mode
   * @param reconciler its loop
   */
  record Loop(ClusterConfig config, Supplier<EffectiveMode> mode, ClusterReconciler reconciler) {}

  private final String name;
  private final ClusterLock lock;
  private final LoopProgress progress;
  private final Function<ClusterConfig, Loop> build;
  private final ReentrantLock ticking = new ReentrantLock();
  private volatile Loop loop;
  /** A config a reload brought while a tick ran; taken (and cleared) atomically, so that none is lost. */
  private final AtomicReference<ClusterConfig> pending = new AtomicReference<>();
  private volatile boolean retired;

  /** Builds the cluster's loop for its config; the lock is held until {@link #retire}. */
  WatchedCluster(ClusterConfig config, ClusterLock lock, LoopProgress progress, Function<ClusterConfig, Loop> build) {
    this.name = config.name();
    this.lock = lock;
    this.progress = progress;
    this.build = build;
    this.loop = build.apply(config);
  }

  /** The time a cluster's loop may go without progress: 3 poll intervals (3 request timeouts when longer). */
  static Duration staleAfter(ClusterConfig config) {
    Duration longer = config.pollInterval().compareTo(config.requestTimeout()) >= 0 ? config.pollInterval()
        : config.requestTimeout();
    return longer.multipliedBy(3);
  }

  /** One tick of the loop, after taking up a new config if a reload left one; nothing (empty) once retired. */
  Optional<ClusterReconciler.Tick> tick() {
    ticking.lock();
    try {
      if (retired) {
        return Optional.empty();
      }
      takeUpNewConfig();
      return Optional.of(loop.reconciler().tick());
    } finally {
      unlock();
    }
  }

  /** A reload changed this cluster's config: taken up now when no tick runs, else right before the next tick. */
  void replace(ClusterConfig next) {
    pending.set(next);
    if (!runIfNoTick(this::takeUpNewConfig)) {
      log.info("cluster {}: its new config is taken up when the tick under way ends", name);
    }
  }

  /** Runs the action now when no tick runs (and returns true); false when a tick is under way. */
  private boolean runIfNoTick(Runnable action) {
    if (!ticking.tryLock()) {
      return false;
    }
    try {
      action.run();
      return true;
    } finally {
      unlock();
    }
  }

  /** Ends a hold of the tick lock; a cluster retired meanwhile gives up its daemon lock here. */
  private void unlock() {
    ticking.unlock();
    if (retired) {
      lock.close(); // idempotent
    }
  }

  private void takeUpNewConfig() {
    ClusterConfig next = pending.getAndSet(null);
    if (next == null) {
      return;
    }
    loop = build.apply(next);
    progress.staleAfter(staleAfter(next));
    log.info("cluster {}: new config in force", name);
  }

  /**
   * The cluster was removed from the config: no more ticks; the lock is released once the tick under way (a
   * recovery, maybe) has ended.
   */
  void retire() {
    retired = true;
    if (!runIfNoTick(() -> { })) { // released by whoever holds the tick lock now, when it lets go
      log.info("cluster {}: removed from the config; its tick under way finishes first", name);
    }
  }

  /** Runs an action while no tick runs, waiting at most the given time for one under way; empty if it did not end. */
  <T> Optional<T> betweenTicks(Duration wait, Supplier<T> action) throws InterruptedException {
    if (!ticking.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      return Optional.empty();
    }
    try {
      return Optional.of(action.get());
    } finally {
      unlock();
    }
  }

  /** The cluster's name. */
  String name() {
    return name;
  }

  /** The config in force (the one a pending reload brings is taken up at the next tick). */
  ClusterConfig config() {
    return loop.config();
  }

  /** The effective mode now. */
  EffectiveMode mode() {
    return loop.mode().get();
  }

  /** The cluster's loop. */
  ClusterReconciler reconciler() {
    return loop.reconciler();
  }

  /** The progress of the loop. */
  LoopProgress progress() {
    return progress;
  }
}
