package io.consulwatchdog.diagnose;

import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.Member;
import io.consulwatchdog.observe.RaftServer;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.observe.ServerObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The watchdog's diagnosis: tells a healthy cluster, a normal election, a partitioned server and the
 * watchdog's own blindness apart from the states that need an operator or a recovery.
 *
 * <p>Pure: everything it knows comes from its arguments.
 */
public final class ClusterDiagnoser implements Diagnoser {

  @Override
  public Verdict diagnose(ClusterSnapshot snapshot, History history, Instant now, Duration leaderlessAfter) {
    Facts f = new Facts(snapshot);
    if (f.reachable.isEmpty()) {
      return f.verdict(DiagnosisCode.UNOBSERVABLE, LeaderlessCause.NONE, Optional.empty(), Optional.empty(),
          List.of("No configured server answered: the watchdog cannot see the cluster "
              + "(its own network, or every server down); this is not treated as a cluster fault."),
          names(f.unreachable));
    }
    Set<String> leaders = new LinkedHashSet<>();
    f.reachable.forEach(s -> s.leader().filter(l -> !l.isBlank()).ifPresent(leaders::add));
    if (leaders.size() > 1) {
      List<String> evidence = new ArrayList<>();
      f.reachable.forEach(s -> evidence.add(s.name() + " sees leader " + s.leader().filter(l -> !l.isBlank()).orElse("none")));
      return f.verdict(DiagnosisCode.SPLIT_VIEW, LeaderlessCause.NONE, Optional.empty(), Optional.empty(),
          prepend("Servers report different leaders " + leaders + ".", evidence), names(f.reachable));
    }
    if (leaders.size() == 1) {
      return withLeader(f, leaders.iterator().next());
    }
    return withoutLeader(f, history, now, leaderlessAfter);
  }

  private Verdict withLeader(Facts f, String leader) {
    List<String> evidence = new ArrayList<>();
    List<String> concerned = new ArrayList<>();
    for (ServerObservation s : f.unreachable) {
      evidence.add(s.name() + " is unreachable (" + s.reachability() + ": " + s.error() + ").");
      concerned.add(s.name());
    }
    for (ServerObservation s : f.reachable) {
      if (!s.seesLeader()) {
        evidence.add(s.name() + " answers but does not see the leader " + leader + " (partitioned or catching up).");
        concerned.add(s.name());
      }
    }
    f.voters.forEach((voter, status) -> {
      if (status != VoterStatus.LIVE) {
        evidence.add("Voter " + label(voter) + " of the raft configuration is " + status.name().toLowerCase() + ".");
      }
    });
    if (evidence.isEmpty()) {
      return f.verdict(DiagnosisCode.HEALTHY, LeaderlessCause.NONE, Optional.of(leader), Optional.empty(),
          List.of("Every server answers and sees leader " + leader + "; "
              + f.liveVoters() + " of " + f.voters.size() + " voters alive."), List.of());
    }
    return f.verdict(DiagnosisCode.DEGRADED, LeaderlessCause.NONE, Optional.of(leader), Optional.empty(),
        prepend("Leader " + leader + " is present, but:", evidence), concerned);
  }

  private Verdict withoutLeader(Facts f, History history, Instant now, Duration leaderlessAfter) {
    List<String> evidence = new ArrayList<>();
    for (ServerObservation s : f.unreachable) {
      evidence.add(s.name() + " is unreachable (" + s.reachability() + ")"
          + (f.confirmedDown(s) ? ", confirmed down." : ", not confirmed down: " + f.whyUnconfirmed(s) + "."));
    }
    int quorum = f.snapshot.servers().size() / 2 + 1;
    if (f.reachable.size() < quorum) {
      List<ServerObservation> unconfirmed = f.unreachable.stream().filter(s -> !f.confirmedDown(s)).toList();
      if (!unconfirmed.isEmpty()) {
        return f.verdict(DiagnosisCode.UNOBSERVABLE, LeaderlessCause.NONE, Optional.empty(), Optional.empty(),
            prepend("No leader seen, but only " + f.reachable.size() + " of " + f.snapshot.servers().size()
                + " servers answer and the others are not confirmed down: the watchdog may be the one cut off.",
                evidence), names(unconfirmed));
      }
      LeaderlessCause cause = f.cause();
      return f.verdict(DiagnosisCode.QUORUM_LOST, cause, Optional.empty(), leaderlessFor(f, history, now),
          prepend("Only " + f.reachable.size() + " of " + f.snapshot.servers().size()
              + " servers are alive; " + quorum + " are needed to elect a leader. " + causeText(f, cause), evidence),
          f.concerned(cause));
    }
    if (f.voters.isEmpty() && !f.unreachable.isEmpty()) {
      return f.verdict(DiagnosisCode.UNOBSERVABLE, LeaderlessCause.NONE, Optional.empty(), Optional.empty(),
          prepend("No leader seen and no live server reports a raft configuration, while "
              + f.unreachable.size() + " server(s) do not answer: the servers that know who the voters are may be "
              + "the ones the watchdog cannot see.", evidence), names(f.unreachable));
    }
    Optional<Duration> without = leaderlessFor(f, history, now);
    if (without.isEmpty() || without.get().compareTo(leaderlessAfter) < 0) {
      return f.verdict(DiagnosisCode.ELECTION_IN_PROGRESS, LeaderlessCause.NONE, Optional.empty(), without,
          prepend("No leader for " + without.map(d -> d.toMillis() / 1000.0 + " s").orElse("an unknown time")
              + " (stuck after " + leaderlessAfter.toSeconds() + " s); " + f.reachable.size() + " of "
              + f.snapshot.servers().size() + " servers alive: an election can still succeed.", evidence),
          List.of());
    }
    LeaderlessCause cause = f.cause();
    return f.verdict(DiagnosisCode.LEADERLESS, cause, Optional.empty(), without,
        prepend("No leader for " + without.get().toSeconds() + " s although " + f.reachable.size() + " of "
            + f.snapshot.servers().size() + " servers are alive. " + causeText(f, cause), evidence),
        f.concerned(cause));
  }

  /**
   * How long no leader has been seen: the longer of what the history says and what the servers say
   * (the most recent leader contact any live server reports, Stats.raft.last_contact).
   */
  private static Optional<Duration> leaderlessFor(Facts f, History history, Instant now) {
    Optional<Duration> fromHistory = history.leaderlessSince().map(since -> Duration.between(since, now));
    Optional<Duration> fromServers = f.reachable.stream()
        .map(s -> GoDuration.parse(s.lastContact()))
        .flatMap(Optional::stream)
        .min(Comparator.naturalOrder());
    if (fromHistory.isEmpty()) {
      return fromServers;
    }
    if (fromServers.isEmpty()) {
      return fromHistory;
    }
    return Optional.of(fromHistory.get().compareTo(fromServers.get()) > 0 ? fromHistory.get() : fromServers.get());
  }

  private static String causeText(Facts f, LeaderlessCause cause) {
    int quorum = f.voters.size() / 2 + 1;
    String counts = f.liveVoters() + " of " + f.voters.size() + " voters in the raft configuration are alive ("
        + quorum + " needed)";
    return switch (cause) {
      case VOTERS_DOWN -> counts + "; the missing voters are configured servers that are down: restarting them with "
          + "their data should restore the quorum.";
      case STALE_CONFIGURATION -> counts + "; " + f.count(VoterStatus.GONE) + " voter(s) are gone for good "
          + "(replaced or not configured) while " + f.outsiders().size() + " live server(s) are outside the "
          + "configuration: only an outage recovery (peers.json) can heal this.";
      case NO_ELECTION -> counts + ": a quorum of voters is alive, yet no election succeeds.";
      case NONE -> f.voters.isEmpty()
          ? "No server reports a raft configuration (fresh servers that never formed a cluster?)."
          : counts + ".";
    };
  }

  private static String label(RaftServer v) {
    return (v.node().isEmpty() ? v.id() : v.node()) + " (" + v.address() + ")";
  }

  private static List<String> names(List<ServerObservation> servers) {
    return servers.stream().map(ServerObservation::name).toList();
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> out = new ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  /** What one snapshot says, computed once. */
  private static final class Facts {
    final ClusterSnapshot snapshot;
    final List<ServerObservation> reachable;
    final List<ServerObservation> unreachable;
    /** The voters of the most up-to-date raft configuration observed, each with its fate. */
    final Map<RaftServer, VoterStatus> voters = new LinkedHashMap<>();

    Facts(ClusterSnapshot snapshot) {
      this.snapshot = snapshot;
      this.reachable = snapshot.reachable();
      this.unreachable = snapshot.servers().stream().filter(s -> !s.reachable()).toList();
      authoritativeConfiguration().ifPresent(cfg -> cfg.stream().filter(RaftServer::voter)
          .forEach(v -> voters.put(v, classify(v))));
    }

    /** The configuration reported by the live server with the newest log (term, then index). */
    private Optional<List<RaftServer>> authoritativeConfiguration() {
      return reachable.stream()
          .filter(s -> s.raftConfiguration().map(c -> !c.isEmpty()).orElse(false))
          .max(Comparator.comparingLong(ServerObservation::lastLogTerm)
              .thenComparingLong(ServerObservation::lastLogIndex))
          .flatMap(ServerObservation::raftConfiguration);
    }

    private VoterStatus classify(RaftServer voter) {
      for (ServerObservation s : reachable) {
        if (!s.nodeId().isEmpty() && s.nodeId().equals(voter.id())) {
          return VoterStatus.LIVE;
        }
        if (voter.id().equals(voter.address()) && voter.address().equals(s.raftAddress())) {
          return VoterStatus.LIVE; // raft protocol <= 2 identifies servers by address
        }
      }
      for (ServerObservation s : reachable) {
        if (sameServer(voter, s)) {
          return VoterStatus.GONE; // its host answers with another node ID: it was replaced
        }
      }
      for (ServerObservation s : unreachable) {
        if (sameServer(voter, s)) {
          return VoterStatus.DOWN;
        }
      }
      return VoterStatus.GONE;
    }

    /** True when a voter entry names this configured server, by node name or by host. */
    private static boolean sameServer(RaftServer voter, ServerObservation s) {
      if (!voter.node().isEmpty() && (voter.node().equals(s.name()) || voter.node().equals(s.nodeName()))) {
        return true;
      }
      String host = hostOf(voter.address());
      return !host.isEmpty() && (host.equals(s.address().getHost()) || s.raftAddress().startsWith(host + ":"));
    }

    private static String hostOf(String address) {
      int colon = address.lastIndexOf(':');
      return colon < 0 ? address : address.substring(0, colon);
    }

    int liveVoters() {
      return count(VoterStatus.LIVE);
    }

    int count(VoterStatus status) {
      return (int) voters.values().stream().filter(s -> s == status).count();
    }

    /** Live servers whose node ID is not a voter of the configuration. */
    List<ServerObservation> outsiders() {
      Set<String> ids = new LinkedHashSet<>();
      voters.keySet().forEach(v -> ids.add(v.id()));
      return reachable.stream().filter(s -> !ids.contains(s.nodeId()) && !ids.contains(s.raftAddress())).toList();
    }

    LeaderlessCause cause() {
      if (voters.isEmpty()) {
        return LeaderlessCause.NONE;
      }
      int quorum = voters.size() / 2 + 1;
      if (liveVoters() >= quorum) {
        return LeaderlessCause.NO_ELECTION;
      }
      if (liveVoters() + count(VoterStatus.DOWN) >= quorum) {
        return LeaderlessCause.VOTERS_DOWN;
      }
      return LeaderlessCause.STALE_CONFIGURATION;
    }

    List<String> concerned(LeaderlessCause cause) {
      return switch (cause) {
        case STALE_CONFIGURATION -> names(outsiders());
        case VOTERS_DOWN, NONE -> names(unreachable);
        case NO_ELECTION -> names(reachable);
      };
    }

    /**
     * True when an unreachable server is really down, not just hidden from the watchdog: no live
     * server's gossip says it is alive, and either its port refused us or gossip says it failed.
     */
    boolean confirmedDown(ServerObservation s) {
      Optional<Integer> gossip = gossipStatus(s);
      if (gossip.isPresent() && gossip.get() == Member.ALIVE) {
        return false;
      }
      return s.reachability() == Reachability.REFUSED || gossip.isPresent();
    }

    String whyUnconfirmed(ServerObservation s) {
      return gossipStatus(s).filter(g -> g == Member.ALIVE).isPresent()
          ? "gossip says it is alive" : "no live server's gossip knows it and it did not refuse the connection";
    }

    /** The most hopeful gossip status live servers report for this server (alive wins), if any knows it. */
    private Optional<Integer> gossipStatus(ServerObservation s) {
      String host = s.address().getHost();
      return reachable.stream()
          .flatMap(r -> r.members().orElse(List.of()).stream())
          .filter(m -> m.name().equals(s.name()) || m.address().equals(host))
          .map(Member::status)
          .min(Comparator.naturalOrder());
    }

    Verdict verdict(DiagnosisCode code, LeaderlessCause cause, Optional<String> leader,
        Optional<Duration> leaderlessFor, List<String> evidence, List<String> concerned) {
      return new Verdict(snapshot.cluster(), snapshot.observedAt(), code, cause, evidence, leader, leaderlessFor,
          snapshot.servers().size(), reachable.size(), voters.size(), liveVoters(), concerned);
    }
  }
}
