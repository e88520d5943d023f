package io.consulwatchdog.diagnose;

import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.Member;
import io.consulwatchdog.observe.RaftServer;
import io.consulwatchdog.observe.ServerObservation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Tells what became of each voter of a raft configuration: matched to a configured server by node ID first
 * (the live answers, then the last-known-good topology), by node name or resolved address only as a
 * fallback, and called gone only on positive evidence. Pure.
 */
final class VoterIdentifier {
  private final ClusterSnapshot snapshot;
  private final ClusterKnowledge knowledge;
  private final List<ServerObservation> reachable;

  VoterIdentifier(ClusterSnapshot snapshot, ClusterKnowledge knowledge) {
    this.snapshot = snapshot;
    this.knowledge = knowledge;
    this.reachable = snapshot.reachable();
  }

  /** The fate of one voter, with its evidence. */
  VoterFate identify(RaftServer voter) {
    boolean gossipAlive = aliveInGossip(voter);
    for (ServerObservation s : reachable) {
      if (!s.nodeId().isEmpty() && s.nodeId().equalsIgnoreCase(voter.id())) {
        return fate(voter, VoterStatus.LIVE, Optional.of(s.name()), s.name() + " answers with its node ID",
            gossipAlive);
      }
      if (voter.id().equals(voter.address()) && voter.address().equals(s.raftAddress())) {
        return fate(voter, VoterStatus.LIVE, Optional.of(s.name()), s.name() + " answers at its raft address "
            + "(raft protocol 2 and older identify servers by address)", gossipAlive);
      }
    }
    if (knowledge.retiredNodeIds().stream().anyMatch(id -> id.equalsIgnoreCase(voter.id()))) {
      return fate(voter, VoterStatus.GONE, Optional.empty(), "retired by an operator (consul-watchdog retire)",
          gossipAlive);
    }
    Optional<KnownServer> known = knowledge.topology().flatMap(t -> t.byNodeId(voter.id()));
    Match match = match(voter, known);
    if (match.ambiguous().isPresent()) {
      return fate(voter, VoterStatus.UNKNOWN, Optional.empty(), match.ambiguous().get(), gossipAlive);
    }
    if (match.server().isPresent()) {
      return fateOfMatched(voter, match.server().get(), match.how(), gossipAlive);
    }
    if (known.isPresent()) {
      return fate(voter, VoterStatus.GONE, Optional.empty(), "removed from the inventory: the last-known-good "
          + "topology knows node ID " + voter.id() + " as server " + known.get().name() + ", which is no longer "
          + "configured", gossipAlive);
    }
    return fate(voter, VoterStatus.UNKNOWN, Optional.empty(), "matches no configured server: its node ID is not "
        + "in the last-known-good topology, and no configured server has its name"
        + (voter.node().isEmpty() ? " (the configuration read did not name it)" : " " + voter.node())
        + " or its address " + host(voter.address()) + "; list it under servers if it is one, or declare it "
        + "gone for good with consul-watchdog retire", gossipAlive);
  }

  private VoterFate fateOfMatched(RaftServer voter, ServerObservation s, String how, boolean gossipAlive) {
    Optional<String> name = Optional.of(s.name());
    if (s.reachable()) {
      if (s.nodeId().isEmpty()) {
        return fate(voter, VoterStatus.UNKNOWN, name, "its server " + s.name() + " (matched " + how
            + ") answers without a node ID", gossipAlive);
      }
      return fate(voter, VoterStatus.GONE, name, "its server " + s.name() + " (matched " + how + ") now answers "
          + "with another node ID, " + s.nodeId() + ": rebuilt, its data cannot come back", gossipAlive);
    }
    if (gossipAlive) {
      return fate(voter, VoterStatus.UNREACHABLE, name, "its server " + s.name() + " (matched " + how + ") does not "
          + "answer the watchdog (" + s.reachability() + ") but gossip says it is alive", true);
    }
    if (confirmedDown(s)) {
      return fate(voter, VoterStatus.DOWN, name, "its server " + s.name() + " (matched " + how + ") is down ("
          + (s.reachability() == Reachability.REFUSED ? "connection refused" : "gossip says it failed") + ")",
          false);
    }
    return fate(voter, VoterStatus.UNREACHABLE, name, "its server " + s.name() + " (matched " + how + ") does not "
        + "answer (" + s.reachability() + ") and nothing confirms it is down", false);
  }

  /**
   * The configured server a voter belongs to: by node ID through the topology when it names a configured
   * server, else by node name or resolved address, which must agree.
   */
  private Match match(RaftServer voter, Optional<KnownServer> known) {
    if (known.isPresent()) {
      Optional<ServerObservation> configured = configured(known.get().name());
      if (configured.isPresent()) {
        return new Match(configured, "by node ID through the last-known-good topology", Optional.empty());
      }
    }
    Set<String> byName = new LinkedHashSet<>();
    Set<String> byAddress = new LinkedHashSet<>();
    String host = host(voter.address());
    for (ServerObservation s : snapshot.servers()) {
      if (!voter.node().isEmpty() && (voter.node().equals(s.name()) || voter.node().equals(s.nodeName()))) {
        byName.add(s.name());
      }
      if (!host.isEmpty() && (snapshot.addressesOf(s.name()).contains(host)
          || (!s.raftAddress().isEmpty() && host(s.raftAddress()).equals(host)))) {
        byAddress.add(s.name());
      }
    }
    if (byAddress.size() > 1) {
      return new Match(Optional.empty(), "", Optional.of("its address " + host + " belongs to several configured "
          + "servers " + byAddress + ": which one it is cannot be told"));
    }
    if (!byName.isEmpty() && !byAddress.isEmpty() && !byName.equals(byAddress)) {
      return new Match(Optional.empty(), "", Optional.of("its name points at " + byName + " but its address at "
          + byAddress + ": which one it is cannot be told"));
    }
    if (!byName.isEmpty()) {
      return new Match(configured(byName.iterator().next()), "by node name", Optional.empty());
    }
    if (!byAddress.isEmpty()) {
      return new Match(configured(byAddress.iterator().next()), "by address " + host, Optional.empty());
    }
    return new Match(Optional.empty(), "", Optional.empty());
  }

  private Optional<ServerObservation> configured(String name) {
    return snapshot.servers().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * True when an unreachable server is really down, not just hidden from the watchdog: no live server's
   * gossip says it is alive, and either its port refused us or gossip says it failed or left.
   */
  boolean confirmedDown(ServerObservation s) {
    Optional<Integer> gossip = gossipStatus(s);
    if (gossip.isPresent() && gossip.get() == Member.ALIVE) {
      return false;
    }
    return s.reachability() == Reachability.REFUSED || gossip.isPresent();
  }

  /** Why an unreachable server is not confirmed down. */
  String whyUnconfirmed(ServerObservation s) {
    return gossipStatus(s).filter(g -> g == Member.ALIVE).isPresent()
        ? "gossip says it is alive" : "no live server's gossip knows it and it did not refuse the connection";
  }

  /** The most hopeful gossip status live servers report for a configured server (alive wins), if any knows it. */
  private Optional<Integer> gossipStatus(ServerObservation s) {
    List<String> addresses = snapshot.addressesOf(s.name());
    return reachable.stream()
        .flatMap(r -> r.members().orElse(List.of()).stream())
        .filter(m -> m.name().equals(s.name()) || addresses.contains(m.address()))
        .map(Member::status)
        .min(Comparator.naturalOrder());
  }

  /**
   * True when a live server's gossip says this voter is alive (by node ID tag, or by address when untagged),
   * unless the raft port gossip gives for it refused a connection at this poll (gossip has not yet noticed
   * that it died).
   */
  private boolean aliveInGossip(RaftServer voter) {
    if (snapshot.raftPortRefused().contains(voter.id().toLowerCase())) {
      return false;
    }
    String host = host(voter.address());
    return reachable.stream()
        .flatMap(r -> r.members().orElse(List.of()).stream())
        .filter(m -> m.nodeId().isEmpty() ? m.address().equals(host) : m.nodeId().equalsIgnoreCase(voter.id()))
        .anyMatch(Member::alive);
  }

  /** True when at least one live server reported its gossip member list. */
  boolean gossipSeen() {
    return reachable.stream().anyMatch(r -> r.members().isPresent());
  }

  /**
   * Configured servers whose agent reports another node name, as "name (agent says X)". Servers named by
   * their address (an ad-hoc check: a configured name never holds a ':') have no name to compare.
   */
  List<String> nameMismatches() {
    List<String> out = new ArrayList<>();
    for (ServerObservation s : reachable) {
      if (!s.nodeName().isEmpty() && !s.nodeName().equals(s.name()) && !s.name().contains(":")) {
        out.add(s.name() + " (agent says " + s.nodeName() + ")");
      }
    }
    return out;
  }

  private static VoterFate fate(RaftServer voter, VoterStatus status, Optional<String> server, String why,
      boolean aliveInGossip) {
    return new VoterFate(voter.id(), voter.node(), voter.address(), status, server, why, aliveInGossip);
  }

  static String host(String address) {
    int colon = address.lastIndexOf(':');
    return colon < 0 ? address : address.substring(0, colon);
  }

  /** How a voter was matched to a configured server, or why it cannot be. */
  private record Match(Optional<ServerObservation> server, String how, Optional<String> ambiguous) {}
}
