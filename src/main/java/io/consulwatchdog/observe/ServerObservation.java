package io.consulwatchdog.observe;

import io.consulwatchdog.consul.Reachability;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one poll learned about one configured server; unreachable is data, not an exception.
 *
 * @param name configured name
 * @param address configured HTTP address
 * @param reachability whether /v1/agent/self answered
 * @param error why not, one line, empty when reachable
 * @param nodeId Config.NodeID
 * @param nodeName Config.NodeName
 * @param version Config.Version
 * @param isServer Config.Server
 * @param raftState Stats.raft.state (Leader, Follower, Candidate, Shutdown), empty if unknown
 * @param term Stats.raft.term, -1 if unknown
 * @param lastLogIndex the index of the newest raft entry, log or snapshot (Stats.raft.last_log_index, or
 *     last_snapshot_index when larger: what raft compares in elections), -1 if unknown
 * @param lastLogTerm the term of that entry, -1 if unknown
 * @param lastContact Stats.raft.last_contact as reported: "never", "0" or a Go duration
 * @param raftProtocol Stats.raft.protocol_version, -1 if unknown
 * @param raftAddress this server's own raft address (advertise address:server port), empty if unknown
 * @param leader the leader address this server reports (/v1/status/leader), empty when it sees none;
 *     Optional.empty() when the request failed
 * @param peers voters this server's raft configuration lists (/v1/status/peers); empty Optional if failed
 * @param raftConfiguration /v1/operator/raft/configuration?stale; empty Optional if it failed
 * @param members gossip view (/v1/agent/members); empty Optional if it failed
 * @param requestErrors endpoint -> one-line error, for endpoints other than agent/self that failed
 */
public record ServerObservation(
    String name,
    URI address,
    Reachability reachability,
    String error,
    String nodeId,
    String nodeName,
    String version,
    boolean isServer,
    String raftState,
    long term,
    long lastLogIndex,
    long lastLogTerm,
    String lastContact,
    int raftProtocol,
    String raftAddress,
    Optional<String> leader,
    Optional<List<String>> peers,
    Optional<List<RaftServer>> raftConfiguration,
    Optional<List<Member>> members,
    Map<String, String> requestErrors) {

  public ServerObservation {
    requestErrors = Map.copyOf(requestErrors);
  }

  /** True when the agent answered /v1/agent/self. */
  public boolean reachable() {
    return reachability == Reachability.OK;
  }

  /** True when this server reports a non-empty leader address. */
  public boolean seesLeader() {
    return leader.map(l -> !l.isBlank()).orElse(false);
  }

  /** The same observation of a server configured at another http_address. */
  public ServerObservation withAddress(URI otherAddress) {
    return new ServerObservation(name, otherAddress, reachability, error, nodeId, nodeName, version, isServer,
        raftState, term, lastLogIndex, lastLogTerm, lastContact, raftProtocol, raftAddress, leader, peers,
        raftConfiguration, members, requestErrors);
  }

  /** An observation of a server that could not be reached. */
  public static ServerObservation unreachable(String name, URI address, Reachability why, String error) {
    return new ServerObservation(
        name, address, why, error, "", "", "", false, "", -1, -1, -1, "", -1, "",
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
  }
}
