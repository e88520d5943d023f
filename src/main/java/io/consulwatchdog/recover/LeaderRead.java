package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;

/**
 * A read, or a write and a read, that only succeed through the leader: proof that the cluster serves
 * consistent reads and writes again after a recovery.
 */
public interface LeaderRead {

  /** Tries one consistent read against the cluster's servers; never throws for network failures. */
  Result read(ClusterConfig cluster);

  /**
   * Writes the key, reads it back with ?consistent and deletes it, through the servers; never throws for
   * network failures. The default reads only (implementations that cannot write).
   */
  default Result writeAndRead(ClusterConfig cluster, String key) {
    return read(cluster);
  }

  /**
   * How the read went.
   *
   * @param ok true when a server answered the read with 200
   * @param detail which server answered, or why none did
   */
  record Result(boolean ok, String detail) {}
}
