package io.consulwatchdog.daemon;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Holds a watched cluster's loop from another thread, as a long tick (a recovery) or a wedge would: its ticks
 * wait and it makes no progress, until closed (at most 30 s).
 */
final class HeldLoop implements AutoCloseable {
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final Thread holder;

  private HeldLoop(WatchedCluster cluster) {
    holder = new Thread(() -> {
      try {
        cluster.betweenTicks(Duration.ofSeconds(5), () -> {
          held.countDown();
          try {
            return release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            return false;
          }
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "held-loop");
    holder.start();
  }

  /** Holds the cluster's loop once a tick under way (if any) has ended; returns when it is held. */
  static HeldLoop of(WatchedCluster cluster) throws InterruptedException {
    HeldLoop loop = new HeldLoop(cluster);
    if (!loop.held.await(10, TimeUnit.SECONDS)) {
      loop.close();
      throw new IllegalStateException("the loop of " + cluster.name() + " could not be held");
    }
    return loop;
  }

  @Override
  public void close() throws InterruptedException {
    release.countDown();
    holder.join(10_000);
  }
}
