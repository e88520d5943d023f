package io.consulwatchdog.recover;

import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.RaftServer;
import io.consulwatchdog.observe.ServerObservation;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The conditions the wait steps poll for, computed from one snapshot: pure functions. */
public final class ClusterConditions {
  private ClusterConditions() {}

  /** True when the named server answers as a server with a raft state. */
  public static boolean serverUp(ClusterSnapshot snapshot, String name) {
    return snapshot.servers().stream().anyMatch(o -> o.name().equals(name) && o.reachable() && o.isServer()
        && !o.raftState().isBlank());
  }

  /**
   * The leader's raft address when exactly one reachable server is Leader and every reachable server that
   * reports a leader reports that one.
   */
  public static Optional<String> agreedLeader(ClusterSnapshot snapshot) {
    List<ServerObservation> leaders = snapshot.reachable().stream()
        .filter(o -> "Leader".equalsIgnoreCase(o.raftState())).toList();
    if (leaders.size() != 1) {
      return Optional.empty();
    }
    ServerObservation leader = leaders.get(0);
    Set<String> named = snapshot.reachable().stream().filter(ServerObservation::seesLeader)
        .map(o -> o.leader().orElseThrow()).collect(Collectors.toSet());
    String address = leader.raftAddress().isBlank() ? leader.leader().orElse("") : leader.raftAddress();
    if (address.isBlank() || named.size() != 1 || !named.contains(address)) {
      return Optional.empty();
    }
    return Optional.of(address);
  }

  /** How many voters of the leader's raft configuration answered this poll; 0 without an agreed leader. */
  public static int liveVotersUnderLeader(ClusterSnapshot snapshot) {
    if (agreedLeader(snapshot).isEmpty()) {
      return 0;
    }
    ServerObservation leader = snapshot.reachable().stream()
        .filter(o -> "Leader".equalsIgnoreCase(o.raftState())).findFirst().orElseThrow();
    List<ServerObservation> live = snapshot.reachable();
    if (leader.raftConfiguration().isPresent()) {
      return (int) leader.raftConfiguration().get().stream().filter(RaftServer::voter)
          .filter(v -> live.stream().anyMatch(o -> matches(v, o))).count();
    }
    return (int) leader.peers().orElse(List.of()).stream()
        .filter(addr -> live.stream().anyMatch(o -> addr.equals(o.raftAddress()))).count();
  }

  private static boolean matches(RaftServer voter, ServerObservation o) {
    return (!o.nodeId().isBlank() && voter.id().equalsIgnoreCase(o.nodeId()))
        || (!o.raftAddress().isBlank() && voter.address().equals(o.raftAddress()));
  }
}
