package io.consulwatchdog.diagnose;

import static io.consulwatchdog.observe.ObservationBuilder.member;
import static io.consulwatchdog.observe.ObservationBuilder.server;
import static io.consulwatchdog.observe.ObservationBuilder.snapshot;
import static io.consulwatchdog.observe.ObservationBuilder.voter;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.KnownTopology;
import io.consulwatchdog.observe.Member;
import io.consulwatchdog.observe.RaftServer;
import io.consulwatchdog.observe.ServerObservation;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterDiagnoserTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final Duration STUCK_AFTER = Duration.ofSeconds(30);
  private static final String L1 = "127.0.0.1:8300";
  private static final RaftServer[] THREE = {voter("s1", 1), voter("s2", 2), voter("s3", 3)};

  private final ClusterDiagnoser diagnoser = new ClusterDiagnoser();

  private Verdict diagnose(ClusterSnapshot s) {
    return diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER);
  }

  private Verdict diagnose(ClusterSnapshot s, ClusterKnowledge knowledge) {
    return diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER, knowledge);
  }

  /** The watchdog saw s1, s2 and s3 under a leader (node IDs id-s1..id-s3). */
  private static ClusterKnowledge knownThree() {
    return ClusterKnowledge.of(Optional.of(new KnownTopology("dc1", NOW.minusSeconds(600), 3, List.of(
        known("s1", 1), known("s2", 2), known("s3", 3)))));
  }

  private static KnownServer known(String name, int n) {
    return new KnownServer(name, "id-" + name, "127.0.0." + n + ":8300", "1.8.7", true);
  }

  @Test
  void healthyWhenAllAgreeOnLeaderAndAllVotersLive() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).leader().configuration(THREE),
        server("s2", 2).sees(L1).configuration(THREE),
        server("s3", 3).sees(L1).configuration(THREE)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.HEALTHY);
    assertThat(v.leader()).contains(L1);
    assertThat(v.liveVoters()).isEqualTo(3);
    assertThat(v.voters()).isEqualTo(3);
  }

  @Test
  void onePartitionedServerWithoutLeaderIsDegradedNotLeaderless() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).leader().configuration(THREE),
        server("s2", 2).sees(L1).configuration(THREE),
        server("s3", 3).sees("").state("Candidate").lastContact("5m").configuration(THREE)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.DEGRADED);
    assertThat(v.concerned()).containsExactly("s3");
  }

  @Test
  void leaderWithOneServerDownIsDegraded() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).leader().configuration(THREE),
        server("s2", 2).sees(L1).configuration(THREE),
        server("s3", 3).unreachable(Reachability.REFUSED)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.DEGRADED);
    assertThat(v.liveVoters()).isEqualTo(2);
    assertThat(v.concerned()).containsExactly("s3");
  }

  @Test
  void freshLeaderlessnessWithQuorumAliveIsAnElection() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).unreachable(Reachability.REFUSED),
        server("s2", 2).state("Candidate").lastContact("1.2s").configuration(THREE),
        server("s3", 3).lastContact("1.3s").configuration(THREE)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.ELECTION_IN_PROGRESS);
    assertThat(v.code().needsRecovery()).isFalse();
  }

  @Test
  void historyKeepsTheElectionClockRunningEvenIfServersReportRecentContact() {
    History h = History.empty().record(diagnose(snapshot(NOW.minusSeconds(40),
        server("s1", 1).lastContact("never").configuration(THREE),
        server("s2", 2).lastContact("never").configuration(THREE),
        server("s3", 3).lastContact("never").configuration(THREE))));
    Verdict v = diagnoser.diagnose(snapshot(NOW,
        server("s1", 1).lastContact("never").configuration(THREE),
        server("s2", 2).lastContact("never").configuration(THREE),
        server("s3", 3).lastContact("never").configuration(THREE)), h, NOW, STUCK_AFTER);
    assertThat(v.code()).isEqualTo(DiagnosisCode.LEADERLESS);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.NO_ELECTION);
    assertThat(v.leaderlessFor()).contains(Duration.ofSeconds(40));
  }

  @Test
  void unknownDurationWithoutHistoryIsAnElectionNotStuck() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).lastContact("never"),
        server("s2", 2).lastContact("never"),
        server("s3", 3).lastContact("never")));
    assertThat(v.code()).isEqualTo(DiagnosisCode.ELECTION_IN_PROGRESS);
  }

  @Test
  void twoOfThreeReplacedAndRemovedFromTheInventoryIsQuorumLostWithStaleConfigurationAtOnce() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("2s").log(2, 200).configuration(THREE),
        server("s4", 4).lastContact("never").log(0, 0),
        server("s5", 5).lastContact("never").log(0, 0)), knownThree());
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.liveVoters()).isEqualTo(1);
    assertThat(v.voters()).isEqualTo(3);
    assertThat(v.concerned()).containsExactly("s4", "s5");
    assertThat(v.voters(VoterStatus.GONE)).extracting(VoterFate::id).containsExactly("id-s2", "id-s3");
    assertThat(v.voters(VoterStatus.GONE).get(0).why()).contains("removed from the inventory");
  }

  @Test
  void votersTheWatchdogNeverKnewAreUnknownNotGone() {
    // no last-known-good topology: s2 and s3 match no configured server, so nothing proves they are gone
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("45s").log(2, 200).configuration(THREE),
        server("s4", 4).lastContact("never").log(0, 0),
        server("s5", 5).lastContact("never").log(0, 0)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.UNIDENTIFIED_VOTERS);
    assertThat(v.voters(VoterStatus.UNKNOWN)).hasSize(2);
    assertThat(String.join(" ", v.evidence())).contains("consul-watchdog retire");
  }

  @Test
  void aRetiredVoterIsGone() {
    ClusterKnowledge retired = new ClusterKnowledge(Optional.empty(), Set.of("id-s2", "ID-S3"));
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("45s").log(2, 200).configuration(THREE),
        server("s4", 4).lastContact("never").log(0, 0),
        server("s5", 5).lastContact("never").log(0, 0)), retired);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.voters(VoterStatus.GONE)).allSatisfy(f -> assertThat(f.why()).contains("retired"));
  }

  @Test
  void aVoterGossipStillCallsAliveButWhoseRaftPortRefusesIsNotAlive() {
    // s2 was SIGKILLed seconds ago: gossip has not noticed yet, but nothing listens on its raft port
    Member[] gossip = {member("s1", 1, Member.ALIVE), member("s2", 2, Member.ALIVE), member("s3", 3, Member.FAILED)};
    ClusterSnapshot s = snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("2s").configuration(THREE).members(gossip),
        server("s4", 4).lastContact("never").log(0, 0));
    ClusterSnapshot probed = new ClusterSnapshot(s.cluster(), s.observedAt(), s.monotonicNanos(), s.took(),
        s.servers(), s.addresses(), Set.of("id-s2"));
    assertThat(diagnose(s, knownThree()).code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
    Verdict v = diagnose(probed, knownThree());
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
  }

  @Test
  void aVoterGossipCallsAliveIsNeverGone() {
    // s2 was removed from the inventory, but a live server's gossip says it is alive: it may be running
    Member[] gossip = {member("s1", 1, Member.ALIVE), member("s2", 2, Member.ALIVE), member("s3", 3, Member.FAILED)};
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("2s").configuration(THREE).members(gossip),
        server("s4", 4).lastContact("never").log(0, 0)), knownThree());
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
  }

  @Test
  void rebuiltOnTheSameNameAndAddressIsStaleToo() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("45s").configuration(THREE),
        server("s2", 2).id("new-s2").lastContact("never").log(0, 0),
        server("s3", 3).id("new-s3").lastContact("never").log(0, 0)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.voters(VoterStatus.GONE)).allSatisfy(f -> assertThat(f.why()).contains("another node ID"));
  }

  @Test
  void crashedServersBehindHostNamesWithAnUnnamedConfigurationAreNeverCalledGone() {
    // issue 8 #1: the stale raft read failed, so the configuration comes from Stats.raft (no names), and the
    // http_address hosts are DNS names: string-comparing them with the voters' IPs made both look gone
    RaftServer[] unnamed = {new RaftServer("id-s1", "", "127.0.0.1:8300", true),
        new RaftServer("id-s2", "", "127.0.0.2:8300", true), new RaftServer("id-s3", "", "127.0.0.3:8300", true)};
    ClusterSnapshot byName = withHostNames(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("20s").configuration(unnamed),
        server("s2", 2).unreachable(Reachability.REFUSED),
        server("s3", 3).unreachable(Reachability.REFUSED)), false);
    Verdict unresolved = diagnose(byName);
    assertThat(unresolved.cause()).isNotEqualTo(LeaderlessCause.STALE_CONFIGURATION)
        .isEqualTo(LeaderlessCause.UNIDENTIFIED_VOTERS);
    Verdict resolved = diagnose(withHostNames(byName, true));
    assertThat(resolved.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(resolved.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
    Verdict known = diagnose(byName, knownThree());
    assertThat(known.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
    assertThat(known.voters(VoterStatus.DOWN)).extracting(f -> f.server().orElseThrow()).containsExactly("s2", "s3");
  }

  /** The snapshot as if each server were configured as http://sN.dc1.example:8500, resolved or not. */
  private static ClusterSnapshot withHostNames(ClusterSnapshot s, boolean resolved) {
    List<ServerObservation> servers = s.servers().stream().map(o -> o.reachable()
        ? o.withAddress(URI.create("http://" + o.name() + ".dc1.example:8500"))
        : ServerObservation.unreachable(o.name(), URI.create("http://" + o.name() + ".dc1.example:8500"),
            o.reachability(), o.error())).toList();
    Map<String, List<String>> addresses = new LinkedHashMap<>();
    for (ServerObservation o : servers) {
      addresses.put(o.name(), resolved ? List.of("127.0.0." + o.name().substring(1)) : List.of());
    }
    return new ClusterSnapshot(s.cluster(), s.observedAt(), s.monotonicNanos(), s.took(), servers, addresses, Set.of());
  }

  @Test
  void twoOfThreeKilledConfirmedByGossipIsQuorumLostVotersDown() {
    Member[] gossip = {member("s1", 1, Member.ALIVE), member("s2", 2, Member.FAILED), member("s3", 3, Member.FAILED)};
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("20s").configuration(THREE).members(gossip),
        server("s2", 2).unreachable(Reachability.REFUSED),
        server("s3", 3).unreachable(Reachability.REFUSED)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
    assertThat(v.concerned()).containsExactly("s2", "s3");
  }

  @Test
  void watchdogCutOffFromServersThatGossipCallsAliveIsUnobservable() {
    Member[] gossip = {member("s1", 1, Member.ALIVE), member("s2", 2, Member.ALIVE), member("s3", 3, Member.ALIVE)};
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).lastContact("20s").configuration(THREE).members(gossip),
        server("s2", 2).unreachable(Reachability.TIMEOUT),
        server("s3", 3).unreachable(Reachability.TIMEOUT)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
  }

  @Test
  void timeoutsWithoutGossipEvidenceAreUnobservable() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).lastContact("20s").configuration(THREE),
        server("s2", 2).unreachable(Reachability.TIMEOUT),
        server("s3", 3).unreachable(Reachability.TIMEOUT)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
  }

  @Test
  void everyServerRefusingIsUnobservableWhenTheWatchdogNeverSawTheCluster() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).unreachable(Reachability.REFUSED),
        server("s2", 2).unreachable(Reachability.REFUSED),
        server("s3", 3).unreachable(Reachability.REFUSED)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
    assertThat(v.code().needsRecovery()).isFalse();
  }

  @Test
  void everyServerRefusingAfterBeingSeenHealthyIsQuorumLostWithVotersDown() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).unreachable(Reachability.REFUSED),
        server("s2", 2).unreachable(Reachability.REFUSED),
        server("s3", 3).unreachable(Reachability.REFUSED)), knownThree());
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
    assertThat(v.concerned()).containsExactly("s1", "s2", "s3");
    assertThat(v.evidence().get(0)).contains("last known good");
  }

  @Test
  void everyServerTimingOutStaysUnobservableEvenWhenKnown() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).unreachable(Reachability.TIMEOUT),
        server("s2", 2).unreachable(Reachability.REFUSED),
        server("s3", 3).unreachable(Reachability.REFUSED)), knownThree());
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
  }

  @Test
  void aConfiguredNameThatDiffersFromTheAgentsNodeNameIsReported() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("2s").configuration(THREE).nodeName("consul-1"),
        server("s2", 2).unreachable(Reachability.REFUSED),
        server("s3", 3).unreachable(Reachability.REFUSED)));
    assertThat(v.nameMismatches()).containsExactly("s1 (agent says consul-1)");
    assertThat(String.join(" ", v.evidence())).contains("destructive strategies are blocked");
  }

  @Test
  void differentLeadersIsSplitView() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).leader(),
        server("s2", 2).sees(L1),
        server("s3", 3).leader()));
    assertThat(v.code()).isEqualTo(DiagnosisCode.SPLIT_VIEW);
  }

  @Test
  void voterDownButQuorumAliveAndLongLeaderlessIsNoElectionOrVotersDown() {
    Verdict noElection = diagnose(snapshot(NOW,
        server("s1", 1).lastContact("2m").configuration(THREE),
        server("s2", 2).lastContact("2m").configuration(THREE),
        server("s3", 3).unreachable(Reachability.REFUSED)));
    assertThat(noElection.code()).isEqualTo(DiagnosisCode.LEADERLESS);
    assertThat(noElection.cause()).isEqualTo(LeaderlessCause.NO_ELECTION);

    RaftServer[] five = {voter("s1", 1), voter("s2", 2), voter("s3", 3), voter("s4", 4), voter("s5", 5)};
    Verdict votersDown = diagnose(snapshot(NOW,
        server("s1", 1).lastContact("2m").configuration(five),
        server("s2", 2).lastContact("2m").configuration(five),
        server("s6", 6).lastContact("never").log(0, 0),
        server("s4", 4).unreachable(Reachability.REFUSED),
        server("s5", 5).unreachable(Reachability.REFUSED)));
    assertThat(votersDown.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(votersDown.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
  }

  @Test
  void mostUpToDateServersConfigurationIsAuthoritative() {
    RaftServer[] old = {voter("s1", 1), voter("s2", 2), voter("s3", 3)};
    RaftServer[] current = {voter("s1", 1), voter("s4", 4), voter("s5", 5)};
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).leader().log(9, 500).configuration(current),
        server("s4", 4).sees(L1).log(9, 500).configuration(current),
        server("s5", 5).sees(L1).log(3, 100).configuration(old)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.HEALTHY);
    assertThat(v.liveVoters()).isEqualTo(3);
  }

  @Test
  void noVisibleRaftConfigurationWhileAServerIsSilentIsUnobservable() {
    // the survivor that holds the configuration times out; only fresh servers (no configuration) answer
    History h = History.empty().record(diagnose(snapshot(NOW.minusSeconds(60),
        server("s1", 1).lastContact("never"), server("s4", 4).lastContact("never"), server("s5", 5).lastContact("never"))));
    Verdict v = diagnoser.diagnose(snapshot(NOW,
        server("s1", 1).unreachable(Reachability.TIMEOUT),
        server("s4", 4).lastContact("never").log(0, 0),
        server("s5", 5).lastContact("never").log(0, 0)), h, NOW, STUCK_AFTER);
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
    assertThat(v.concerned()).containsExactly("s1");
  }
}
