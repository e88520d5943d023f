package io.consulwatchdog.observe;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The last-known-good topology of a cluster: who the servers were while a leader existed.
 *
 * @param cluster cluster name
 * @param recordedAt when it was last confirmed under a leader
 * @param raftProtocol the raft protocol version seen
 * @param servers the servers of the leader's raft configuration
 */
public record KnownTopology(String cluster, Instant recordedAt, int raftProtocol, List<KnownServer> servers) {

  public KnownTopology {
    servers = List.copyOf(servers);
  }

  /** Finds a server by node ID (case-insensitive, as Consul's UUIDs). */
  public Optional<KnownServer> byNodeId(String nodeId) {
    return servers.stream().filter(s -> !s.nodeId().isEmpty() && s.nodeId().equalsIgnoreCase(nodeId)).findFirst();
  }

  /** Finds a server by node name. */
  public Optional<KnownServer> byName(String name) {
    return servers.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
