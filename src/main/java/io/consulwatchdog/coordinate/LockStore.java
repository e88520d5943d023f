package io.consulwatchdog.coordinate;

import java.util.Optional;
import java.util.Set;

/**
 * One coordination engine as the coordinator uses it: this watchdog's session (Consul) or lease (etcd), the
 * locks held under it (one key per watched cluster) and writes guarded by a lock. Every call is one or two
 * requests; failures to reach the store are {@link StoreException}s.
 */
interface LockStore extends AutoCloseable {

  /**
   * Renews this watchdog's session or lease, or creates one when there is none or the engine dropped it;
   * true when the old one was still valid (false: a new one was made, and every lock of the old one is lost).
   */
  boolean keepAlive() throws StoreException;

  /** Tries to take the lock at the key, writing the holder's name into it. */
  Attempt acquire(String lockKey, String holder) throws StoreException;

  /** A linearizable read: true when this session or lease still holds the lock with that fencing token. */
  boolean holds(String lockKey, long token) throws StoreException;

  /** Writes the value at the key only while this session or lease holds the lock with that token. */
  boolean putIfHolding(String lockKey, long token, String key, String value) throws StoreException;

  /** The value at a key (a linearizable read), if any. */
  Optional<String> get(String key) throws StoreException;

  /** Releases the lock if this session or lease holds it (a clean handover: no lock-delay). */
  void release(String lockKey) throws StoreException;

  /** The node IDs (lower case) of the store's own servers, empty when the engine has none to compare. */
  Set<String> serverNodeIds() throws StoreException;

  /** Ends the session or lease (best effort) and closes the client. */
  @Override
  void close();

  /** The outcome of an acquisition attempt. */
  sealed interface Attempt {
    /**
     * The lock is this watchdog's.
     *
     * @param token the fencing token: Consul's LockIndex, etcd's create revision of the lock key
     */
    record Acquired(long token) implements Attempt {}

    /**
     * Another watchdog holds it, or its lock-delay after the last holder has not passed.
     *
     * @param holder the name written by the holder (or the last holder), if any
     * @param delayed true when the lock is free but still inside its lock-delay
     */
    record Taken(Optional<String> holder, boolean delayed) implements Attempt {}
  }
}
