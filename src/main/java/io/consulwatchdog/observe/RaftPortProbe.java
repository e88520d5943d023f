package io.consulwatchdog.observe;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Checks gossip's word on servers the watchdog cannot ask itself (voters that are no configured server):
 * when gossip still calls a server alive, a TCP connect to the raft address gossip gives for it that is
 * refused proves nothing runs there (a killed server stays "alive" in gossip until its failure is detected,
 * several seconds). A timeout proves nothing and is not reported.
 */
final class RaftPortProbe {
  private RaftPortProbe() {}

  /**
   * The node IDs of the alive server members, known to no answering server, whose raft port refused a
   * connection.
   *
   * @param snapshotServers the poll's observations, whose member lists are read
   * @param timeout bound of each connect
   */
  static Set<String> refused(List<ServerObservation> snapshotServers, Duration timeout, Executor executor) {
    Set<String> answering = new LinkedHashSet<>();
    snapshotServers.stream().filter(ServerObservation::reachable).forEach(s -> answering.add(s.nodeId().toLowerCase()));
    List<Member> unknown = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    snapshotServers.stream().filter(ServerObservation::reachable)
        .flatMap(s -> s.members().orElse(List.of()).stream())
        .filter(m -> m.server() && m.alive() && !m.nodeId().isEmpty() && !m.raftAddress().isEmpty())
        .filter(m -> !answering.contains(m.nodeId().toLowerCase()))
        .filter(m -> seen.add(m.nodeId().toLowerCase() + "@" + m.raftAddress()))
        .forEach(unknown::add);
    List<CompletableFuture<String>> probes = unknown.stream()
        .map(m -> CompletableFuture.supplyAsync(() -> refuses(m, timeout) ? m.nodeId().toLowerCase() : "", executor))
        .toList();
    Set<String> out = new LinkedHashSet<>();
    probes.forEach(p -> {
      String id = p.join();
      if (!id.isEmpty()) {
        out.add(id);
      }
    });
    return out;
  }

  private static boolean refuses(Member m, Duration timeout) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(m.address(), m.port()), (int) Math.max(1, timeout.toMillis()));
      return false;
    } catch (ConnectException e) {
      return String.valueOf(e.getMessage()).toLowerCase().contains("refused");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
