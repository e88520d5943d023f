package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;

/** A read that only succeeds through the leader: proof that data is readable again after a recovery. */
public interface LeaderRead {

  /** Tries one consistent read against the cluster's servers; never throws for network failures. */
  Result read(ClusterConfig cluster);

  /**
   * How the read went.
   *
   * @param ok true when a server answered the read with 200
   * @param detail which server answered, or why none did
   */
  record Result(boolean ok, String detail) {}
}
