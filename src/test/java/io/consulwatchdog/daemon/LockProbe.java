package io.consulwatchdog.daemon;

import java.nio.file.Path;

/**
 * A child-JVM program for the lock tests: tries to take a cluster's lock (args: state dir, cluster, then "try"
 * or "hold"). Prints "acquired" and exits 0 ("try") or holds it until killed, at most 120 s ("hold"); prints
 * the refusal and exits 75 when another process holds it.
 */
public final class LockProbe {
  private LockProbe() {}

  /** Runs the probe. */
  public static void main(String[] args) throws Exception {
    try (ClusterLock lock = ClusterLock.acquire(Path.of(args[0]), args[1])) {
      System.out.println("acquired " + lock.file());
      System.out.flush();
      if ("hold".equals(args[2])) {
        Thread.sleep(120_000);
      }
    } catch (ClusterLock.HeldException e) {
      System.out.println("held: " + e.getMessage());
      System.exit(75);
    }
    System.exit(0);
  }
}
