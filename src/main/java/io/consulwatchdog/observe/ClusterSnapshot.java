package io.consulwatchdog.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything one poll observed about one cluster, server by server.
 *
 * @param cluster cluster name
 * @param observedAt when the poll started
 * @param took how long the poll took
 * @param servers one observation per configured server, in config order
 */
public record ClusterSnapshot(String cluster, Instant observedAt, Duration took, List<ServerObservation> servers) {

  public ClusterSnapshot {
    servers = List.copyOf(servers);
  }

  /** The servers that answered. */
  public List<ServerObservation> reachable() {
    return servers.stream().filter(ServerObservation::reachable).toList();
  }
}
