package io.consulwatchdog.diagnose;

import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.KnownTopology;
import io.consulwatchdog.observe.RaftServer;
import io.consulwatchdog.observe.ServerObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The watchdog's diagnosis: tells a healthy cluster, a normal election, a partitioned server and the
 * watchdog's own blindness apart from the states that need an operator or a recovery.
 *
 * <p>Quorum is counted over the voters of the newest raft configuration a live server reports (the
 * last-known-good topology when none reports one): when the live voters cannot reach it and every missing
 * voter is confirmed down or gone, the quorum is lost at once. Pure: everything it knows comes from its
 * arguments.
 */
public final class ClusterDiagnoser implements Diagnoser {

  @Override
  public Verdict diagnose(ClusterSnapshot snapshot, History history, Instant now, Duration leaderlessAfter,
      ClusterKnowledge knowledge) {
    Facts f = new Facts(snapshot, knowledge);
    if (f.reachable.isEmpty() && f.forbidden() > 0) {
      return f.verdict(DiagnosisCode.UNOBSERVABLE, LeaderlessCause.NONE, Optional.empty(), Optional.empty(),
          prepend(f.forbidden() + " of " + f.unreachable.size() + " servers answered 403 (FORBIDDEN): they run and "
              + "the network to them is fine, but the ACL token is missing, lacks agent:read, or cannot be resolved "
              + "without a leader; the watchdog cannot judge the cluster (configure agent_token).",
              f.unreachableText()), names(f.unreachable));
    }
    if (f.reachable.isEmpty() && !f.everyServerRefusedAfterBeingKnown()) {
      return f.verdict(DiagnosisCode.UNOBSERVABLE, LeaderlessCause.NONE, Optional.empty(), Optional.empty(),
          prepend("No configured server answered: the watchdog cannot see the cluster "
              + "(its own network, or every server down); this is not treated as a cluster fault"
              + (f.everyServerRefused() ? " while the watchdog has never seen the cluster healthy (no "
                  + "last-known-good topology proves who the voters are)." : "."), f.unreachableText()),
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
    return withoutLeader(f, history, leaderlessAfter);
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
    f.fates.stream().filter(v -> v.status() != VoterStatus.LIVE)
        .forEach(v -> evidence.add("Voter " + v.label() + " is " + v.status().name().toLowerCase() + ": " + v.why() + "."));
    if (evidence.isEmpty()) {
      return f.verdict(DiagnosisCode.HEALTHY, LeaderlessCause.NONE, Optional.of(leader), Optional.empty(),
          List.of("Every server answers and sees leader " + leader + "; "
              + f.liveVoters() + " of " + f.fates.size() + " voters alive."), List.of());
    }
    return f.verdict(DiagnosisCode.DEGRADED, LeaderlessCause.NONE, Optional.of(leader), Optional.empty(),
        prepend("Leader " + leader + " is present, but:", evidence), concerned);
  }

  private Verdict withoutLeader(Facts f, History history, Duration leaderlessAfter) {
    List<String> evidence = new ArrayList<>(f.unreachableText());
    f.fates.stream().filter(v -> v.status() != VoterStatus.LIVE)
        .forEach(v -> evidence.add("Voter " + v.label() + " is " + v.status().name().toLowerCase() + ": " + v.why()
            + (v.aliveInGossip() && v.status() != VoterStatus.UNREACHABLE ? " (gossip says it is alive)" : "")
            + "."));
    Optional<Duration> without = leaderlessFor(f, history);
    if (f.fates.isEmpty()) {
      if (!f.unreachable.isEmpty()) {
        return f.verdict(DiagnosisCode.UNOBSERVABLE, LeaderlessCause.NONE, Optional.empty(), Optional.empty(),
            prepend("No leader seen and no live server reports a raft configuration, while "
                + f.unreachable.size() + " server(s) do not answer: the servers that know who the voters are may "
                + "be the ones the watchdog cannot see.", evidence), names(f.unreachable));
      }
      return electionOrStuck(f, without, leaderlessAfter, LeaderlessCause.NONE, evidence,
          "No server reports a raft configuration (fresh servers that never formed a cluster?)");
    }
    int quorum = f.quorum();
    int live = f.liveVoters();
    String counts = live + " of " + f.fates.size() + " voters of the raft configuration" + f.configurationSource()
        + " are alive (" + quorum + " needed)";
    if (live >= quorum) {
      return electionOrStuck(f, without, leaderlessAfter, LeaderlessCause.NO_ELECTION, evidence, counts);
    }
    int couldBeAlive = live + f.count(VoterStatus.UNREACHABLE) + (int) f.fates.stream()
        .filter(v -> v.aliveInGossip() && v.status() != VoterStatus.LIVE && v.status() != VoterStatus.UNREACHABLE)
        .count();
    if (couldBeAlive >= quorum) {
      return f.verdict(DiagnosisCode.UNOBSERVABLE, LeaderlessCause.NONE, Optional.empty(), without,
          prepend("No leader seen; " + counts + ", and voters that do not answer are not confirmed down: the "
              + "watchdog may be the one cut off.", evidence), names(f.unreachable));
    }
    LeaderlessCause cause = f.count(VoterStatus.DOWN) > 0 ? LeaderlessCause.VOTERS_DOWN
        : f.count(VoterStatus.UNKNOWN) > 0 ? LeaderlessCause.UNIDENTIFIED_VOTERS
        : LeaderlessCause.STALE_CONFIGURATION;
    return f.verdict(DiagnosisCode.QUORUM_LOST, cause, Optional.empty(), without,
        prepend("Quorum lost: " + counts + "; no election can succeed. " + causeText(f, cause), evidence),
        f.concerned(cause));
  }

  /** An election while it is young; LEADERLESS with the cause once it lasts longer than leaderlessAfter. */
  private static Verdict electionOrStuck(Facts f, Optional<Duration> without, Duration leaderlessAfter,
      LeaderlessCause cause, List<String> evidence, String counts) {
    if (without.isEmpty() || without.get().compareTo(leaderlessAfter) < 0) {
      return f.verdict(DiagnosisCode.ELECTION_IN_PROGRESS, LeaderlessCause.NONE, Optional.empty(), without,
          prepend("No leader for " + without.map(d -> d.toMillis() / 1000.0 + " s").orElse("an unknown time")
              + " (stuck after " + leaderlessAfter.toSeconds() + " s); " + counts + ": an election can still "
              + "succeed.", evidence), List.of());
    }
    return f.verdict(DiagnosisCode.LEADERLESS, cause, Optional.empty(), without,
        prepend("No leader for " + without.get().toSeconds() + " s although " + counts + "."
            + (cause == LeaderlessCause.NO_ELECTION ? " A quorum of voters is alive, yet no election succeeds." : ""),
            evidence), cause == LeaderlessCause.NO_ELECTION ? names(f.reachable) : List.of());
  }

  /**
   * How long no leader has been seen: the longer of what the history says (on the monotonic clock) and
   * what the servers say (the most recent leader contact any live server reports, Stats.raft.last_contact).
   */
  private static Optional<Duration> leaderlessFor(Facts f, History history) {
    Optional<Duration> fromHistory = history.leaderlessFor(f.snapshot.monotonicNanos());
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
    return switch (cause) {
      case VOTERS_DOWN -> f.count(VoterStatus.DOWN) + " voter(s) are configured servers that are down: restarting "
          + "them with their data " + (f.liveVoters() + f.count(VoterStatus.DOWN) >= f.quorum()
              ? "restores the quorum." : "comes first; the rest of the missing voters are gone, which an outage "
                  + "recovery (peers.json) can heal once the down ones run again.");
      case STALE_CONFIGURATION -> f.count(VoterStatus.GONE) + " voter(s) are gone for good while "
          + f.outsiders().size() + " live server(s) are outside the configuration: only an outage recovery "
          + "(peers.json) can heal this.";
      case UNIDENTIFIED_VOTERS -> f.count(VoterStatus.UNKNOWN) + " voter(s) match no configured server with "
          + "certainty, so they cannot be called gone: list them under servers if they are, or declare them gone "
          + "for good with consul-watchdog retire.";
      default -> "";
    };
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
    final ClusterKnowledge knowledge;
    final List<ServerObservation> reachable;
    final List<ServerObservation> unreachable;
    final VoterIdentifier identifier;
    /** Where the voters come from: a live server's configuration, or the last-known-good topology. */
    final boolean fromTopology;
    /** The voters of the authoritative configuration, each with its fate. */
    final List<VoterFate> fates = new ArrayList<>();

    Facts(ClusterSnapshot snapshot, ClusterKnowledge knowledge) {
      this.snapshot = snapshot;
      this.knowledge = knowledge;
      this.reachable = snapshot.reachable();
      this.unreachable = snapshot.servers().stream().filter(s -> !s.reachable()).toList();
      this.identifier = new VoterIdentifier(snapshot, knowledge);
      Optional<List<RaftServer>> live = liveConfiguration();
      this.fromTopology = live.isEmpty() && knowledge.topology().isPresent();
      live.or(this::knownConfiguration).ifPresent(cfg -> cfg.stream().filter(RaftServer::voter)
          .forEach(v -> fates.add(identifier.identify(v))));
    }

    /** The configuration reported by the live server with the newest log (term, then index). */
    private Optional<List<RaftServer>> liveConfiguration() {
      return reachable.stream()
          .filter(s -> s.raftConfiguration().map(c -> !c.isEmpty()).orElse(false))
          .max(Comparator.comparingLong(ServerObservation::lastLogTerm)
              .thenComparingLong(ServerObservation::lastLogIndex))
          .flatMap(ServerObservation::raftConfiguration);
    }

    /** The voters of the last-known-good topology, when no live server reports a configuration. */
    private Optional<List<RaftServer>> knownConfiguration() {
      return knowledge.topology().map(KnownTopology::servers).filter(s -> !s.isEmpty())
          .map(servers -> servers.stream().map(Facts::asRaftServer).toList());
    }

    private static RaftServer asRaftServer(KnownServer k) {
      return new RaftServer(k.nodeId(), k.name(), k.raftAddress(), k.voter());
    }

    String configurationSource() {
      return fromTopology ? " (last known good; no live server reports one)" : "";
    }

    long forbidden() {
      return unreachable.stream().filter(s -> s.reachability() == Reachability.FORBIDDEN).count();
    }

    boolean everyServerRefused() {
      return !unreachable.isEmpty() && unreachable.stream().allMatch(s -> s.reachability() == Reachability.REFUSED);
    }

    /** Every configured server refused the connection, and the topology proves who the voters are. */
    boolean everyServerRefusedAfterBeingKnown() {
      return reachable.isEmpty() && everyServerRefused() && fromTopology && !fates.isEmpty();
    }

    List<String> unreachableText() {
      List<String> out = new ArrayList<>();
      for (ServerObservation s : unreachable) {
        out.add(s.name() + " is unreachable (" + s.reachability() + ")" + (identifier.confirmedDown(s)
            ? ", confirmed down." : ", not confirmed down: " + identifier.whyUnconfirmed(s) + "."));
      }
      return out;
    }

    int quorum() {
      return fates.size() / 2 + 1;
    }

    int liveVoters() {
      return count(VoterStatus.LIVE);
    }

    int count(VoterStatus status) {
      return (int) fates.stream().filter(v -> v.status() == status).count();
    }

    /** Live servers whose node ID is not a voter of the configuration. */
    List<ServerObservation> outsiders() {
      Set<String> ids = new LinkedHashSet<>();
      fates.forEach(v -> ids.add(v.id().toLowerCase()));
      fates.forEach(v -> ids.add(v.address()));
      return reachable.stream().filter(s -> !ids.contains(s.nodeId().toLowerCase()) && !ids.contains(s.raftAddress()))
          .toList();
    }

    List<String> concerned(LeaderlessCause cause) {
      return switch (cause) {
        case STALE_CONFIGURATION -> names(outsiders());
        case UNIDENTIFIED_VOTERS -> fates.stream().filter(v -> v.status() == VoterStatus.UNKNOWN)
            .map(VoterFate::label).toList();
        case VOTERS_DOWN, NONE -> names(unreachable);
        case NO_ELECTION -> names(reachable);
      };
    }

    Verdict verdict(DiagnosisCode code, LeaderlessCause cause, Optional<String> leader,
        Optional<Duration> leaderlessFor, List<String> evidence, List<String> concerned) {
      List<String> mismatches = identifier.nameMismatches();
      List<String> all = new ArrayList<>(evidence);
      if (!mismatches.isEmpty() && code.needsRecovery()) {
        all.add("Configured names that differ from the agents' node names (destructive strategies are blocked "
            + "until they agree): " + String.join(", ", mismatches) + ".");
      }
      return new Verdict(snapshot.cluster(), snapshot.observedAt(), code, cause, all, leader, leaderlessFor,
          snapshot.servers().size(), reachable.size(), fates.size(), liveVoters(), concerned,
          snapshot.monotonicNanos(), fates, mismatches);
    }
  }
}
