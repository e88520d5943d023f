package io.consulwatchdog.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How several watchdogs agree on which one acts on each cluster: through an existing coordination engine
 * (a separate Consul cluster's sessions and KV locks, or etcd's leases), never the watched cluster itself.
 *
 * @param type none (one watchdog, today's behavior), consul or etcd
 * @param addresses the coordination store's HTTP addresses, tried in order
 * @param token the ACL token of the coordination Consul cluster, if any (never inline)
 * @param tls TLS settings for https addresses, as a cluster's tls
 * @param ttl the session (Consul) or lease (etcd) time to live; the holder stops acting this long after its
 *     last successful renewal
 * @param lockDelay the time a released lock stays unavailable after its holder's session ended
 * @param keyPrefix the key prefix of the locks and the shared recovery progress
 * @param instanceName this watchdog's name in the lock (who holds it); empty: host name and PID
 * @param requestTimeout timeout of one request to the store
 */
public record CoordinationConfig(String type, List<URI> addresses, Optional<Secret> token, TlsConfig tls,
    Duration ttl, Duration lockDelay, String keyPrefix, Optional<String> instanceName, Duration requestTimeout) {
  /** No coordination: one watchdog per cluster, guarded by the state dir's file lock. */
  public static final String NONE = "none";
  /** Consul sessions and KV locks on a separate Consul cluster. */
  public static final String CONSUL = "consul";
  /** etcd leases and keys, through etcd's JSON gateway. */
  public static final String ETCD = "etcd";
  /** The types the config accepts. */
  public static final List<String> TYPES = List.of(NONE, CONSUL, ETCD);
  /** Default session or lease TTL: Consul's shortest session TTL. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  /** Default lock-delay: Consul's own default. */
  public static final Duration DEFAULT_LOCK_DELAY = Duration.ofSeconds(15);
  /** Default key prefix. */
  public static final String DEFAULT_PREFIX = "consul-watchdog";

  public CoordinationConfig {
    addresses = List.copyOf(addresses);
  }

  /** No coordination (the default). */
  public static CoordinationConfig none() {
    return new CoordinationConfig(NONE, List.of(), Optional.empty(), TlsConfig.defaults(), DEFAULT_TTL,
        DEFAULT_LOCK_DELAY, DEFAULT_PREFIX, Optional.empty(), ConfigLoader.DEFAULT_REQUEST_TIMEOUT);
  }

  /** True unless the type is none. */
  public boolean enabled() {
    return !NONE.equals(type);
  }
}
