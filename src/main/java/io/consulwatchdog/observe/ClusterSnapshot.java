package io.consulwatchdog.observe;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one poll observed about one cluster, server by server.
 *
 * @param cluster cluster name
 * @param observedAt when the poll started (wall clock: for people and persisted state)
 * @param monotonicNanos when the poll started on a monotonic clock: durations between polls are measured
 *     with it, so that a step of the wall clock cannot lengthen or shorten them
 * @param took how long the poll took
 * @param servers one observation per configured server, in config order
 * @param addresses configured server name -> the IP addresses its http_address host resolved to at this
 *     poll (the host itself when it is an IP literal; empty when it did not resolve)
 * @param raftPortRefused node IDs (lower case) of servers gossip calls alive, known to no answering server,
 *     whose raft port as gossip gives it refused a connection: nothing runs there
 */
public record ClusterSnapshot(String cluster, Instant observedAt, long monotonicNanos, Duration took,
    List<ServerObservation> servers, Map<String, List<String>> addresses, Set<String> raftPortRefused) {

  public ClusterSnapshot {
    servers = List.copyOf(servers);
    raftPortRefused = Set.copyOf(raftPortRefused);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    addresses.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    addresses = Map.copyOf(copy);
  }

  /**
   * A snapshot whose monotonic stamp is its wall time (for tests and captured states) and whose servers'
   * addresses are their http_address hosts when those are IP literals (host names count as unresolved).
   */
  public ClusterSnapshot(String cluster, Instant observedAt, Duration took, List<ServerObservation> servers) {
    this(cluster, observedAt, ChronoUnit.NANOS.between(Instant.EPOCH, observedAt), took, servers,
        literalHosts(servers), Set.of());
  }

  private static Map<String, List<String>> literalHosts(List<ServerObservation> servers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ServerObservation s : servers) {
      String host = s.address().getHost();
      out.put(s.name(), host != null && host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?") ? List.of(host) : List.of());
    }
    return out;
  }

  /** The servers that answered. */
  public List<ServerObservation> reachable() {
    return servers.stream().filter(ServerObservation::reachable).toList();
  }

  /** The addresses a configured server's http_address resolved to at this poll. */
  public List<String> addressesOf(String server) {
    return addresses.getOrDefault(server, List.of());
  }
}
