package io.consulwatchdog.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.Fixtures;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.KnownTopology;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.observe.TopologyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Diagnosis of snapshots captured from real Consul 1.8.7 clusters in each state (see the lab's FixtureCapture). */
class DiagnosisOfCapturedStatesTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final Duration STUCK_AFTER = Duration.ofSeconds(5);
  private final ClusterDiagnoser diagnoser = new ClusterDiagnoser();

  private Verdict diagnose(String state) {
    return diagnoser.diagnose(Fixtures.snapshot(state, NOW), History.empty(), NOW, STUCK_AFTER);
  }

  /**
   * What a watchdog that watched the cluster before the outage knows: the topology recorded under the leader,
   * here rebuilt from the raft configuration the survivors still hold (names, node IDs, addresses).
   */
  private static ClusterKnowledge knownBefore(ClusterSnapshot s) {
    List<KnownServer> servers = s.reachable().stream().flatMap(o -> o.raftConfiguration().orElse(List.of()).stream())
        .map(r -> new KnownServer(r.node(), r.id(), r.address(), "1.8.7", r.voter())).distinct().toList();
    return ClusterKnowledge.of(Optional.of(new KnownTopology(s.cluster(), NOW.minusSeconds(600), 3, servers)));
  }

  @Test
  void healthy() {
    Verdict v = diagnose("healthy");
    assertThat(v.code()).isEqualTo(DiagnosisCode.HEALTHY);
    assertThat(v.leader()).isPresent();
    assertThat(v.liveVoters()).isEqualTo(3);
  }

  @Test
  void leaderJustKilledIsNotAFault() {
    // the followers still name the dead leader for a moment: a leader is present, one server down
    Verdict v = diagnose("leader-killed");
    assertThat(v.code()).isIn(DiagnosisCode.DEGRADED, DiagnosisCode.ELECTION_IN_PROGRESS);
    assertThat(v.code().needsRecovery()).isFalse();
  }

  @Test
  void leaderReelectedIsDegradedWithTheDeadServerConcerned() {
    Verdict v = diagnose("leader-reelected");
    assertThat(v.code()).isEqualTo(DiagnosisCode.DEGRADED);
    assertThat(v.concerned()).containsExactly("consul-s2");
    assertThat(v.liveVoters()).isEqualTo(2);
  }

  @Test
  void twoKilledIsQuorumLostWithVotersDown() {
    Verdict v = diagnose("two-killed");
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
    assertThat(v.concerned()).containsExactly("consul-s1", "consul-s2");
  }

  @Test
  void twoReplacedAndRemovedFromTheInventoryIsQuorumLostWithStaleConfigurationAtOnce() {
    ClusterSnapshot s = Fixtures.snapshot("two-replaced", NOW);
    Verdict v = diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER, knownBefore(s));
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.liveVoters()).isEqualTo(1);
    assertThat(v.voters()).isEqualTo(3);
    assertThat(v.concerned()).containsExactly("consul-s4", "consul-s5");
    assertThat(v.voters(VoterStatus.GONE)).extracting(VoterFate::node).containsExactly("consul-s1", "consul-s2");
  }

  @Test
  void twoReplacedSeenByAWatchdogThatNeverKnewTheOldServersIsUnidentifiedNotStale() {
    Verdict v = diagnose("two-replaced");
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.UNIDENTIFIED_VOTERS);
  }

  @Test
  void twoKilledBehindHostNamesWithTheStaleReadFailingIsNeverStaleConfiguration() {
    // issue 8 #1: http_address uses DNS names and the ?stale raft read fails, so the configuration comes
    // from Stats.raft.latest_configuration, which names no node: the two crashed servers must not look gone
    ClusterSnapshot s = Fixtures.snapshot("two-killed", NOW, true, Set.of(Endpoints.RAFT_CONFIGURATION));
    assertThat(s.reachable()).singleElement().satisfies(o -> {
      assertThat(o.raftConfiguration()).isPresent();
      assertThat(o.raftConfiguration().get()).allSatisfy(r -> assertThat(r.node()).isEmpty());
    });
    Verdict v = diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER);
    assertThat(v.cause()).isIn(LeaderlessCause.VOTERS_DOWN, LeaderlessCause.UNIDENTIFIED_VOTERS);
    assertThat(v.cause()).isNotEqualTo(LeaderlessCause.STALE_CONFIGURATION);
  }

  @Test
  void twoKilledBehindHostNamesIsVotersDownWhenTheWatchdogKnewTheNodeIds() {
    ClusterSnapshot healthy = Fixtures.snapshot("healthy", NOW.minusSeconds(600));
    ClusterKnowledge known = ClusterKnowledge.of(TopologyStore.fromSnapshot(healthy, healthy.observedAt()));
    ClusterSnapshot s = Fixtures.snapshot("two-killed", NOW, true, Set.of(Endpoints.RAFT_CONFIGURATION));
    Verdict v = diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER, known);
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
    assertThat(v.voters(VoterStatus.DOWN)).extracting(f -> f.server().orElseThrow())
        .containsExactlyInAnyOrder("consul-s1", "consul-s2");
  }

  @Test
  void threeOfFiveReplacedIsQuorumLostInOnePoll() {
    ClusterSnapshot s = Fixtures.snapshot("five-three-replaced", NOW);
    Verdict v = diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER, knownBefore(s));
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.voters()).isEqualTo(5);
    assertThat(v.liveVoters()).isEqualTo(2);
  }

  @Test
  void allDownIsUnobservableToAWatchdogThatNeverSawTheCluster() {
    Verdict v = diagnose("all-down");
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
  }

  @Test
  void allDownAfterBeingSeenHealthyIsQuorumLostWithVotersDown() {
    ClusterSnapshot healthy = Fixtures.snapshot("healthy", NOW.minusSeconds(600));
    ClusterKnowledge known = ClusterKnowledge.of(TopologyStore.fromSnapshot(healthy, healthy.observedAt()));
    Verdict v = diagnoser.diagnose(Fixtures.snapshot("all-down", NOW), History.empty(), NOW, STUCK_AFTER, known);
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.VOTERS_DOWN);
    assertThat(v.concerned()).containsExactly("consul-s1", "consul-s2", "consul-s3");
  }

  @Test
  void capturedObservationsCarryWhatRecoveryNeeds() {
    ClusterSnapshot s = Fixtures.snapshot("two-replaced", NOW);
    ServerObservation survivor = s.servers().get(0);
    assertThat(survivor.nodeId()).matches("[0-9a-f-]{36}");
    assertThat(survivor.version()).isEqualTo("1.8.7");
    assertThat(survivor.raftProtocol()).isEqualTo(3);
    assertThat(survivor.lastLogIndex()).isPositive();
    assertThat(survivor.raftState()).isEqualTo("Candidate");
    assertThat(s.servers().get(1).lastLogIndex()).isZero();
    assertThat(s.servers().get(1).lastContact()).isEqualTo("never");
  }

  @Test
  void anAclClusterWithoutTokenIsUnobservableBecauseEveryServerAnswers403NotBecauseItIsSilent() {
    ClusterSnapshot s = Fixtures.snapshot("two-replaced-acl-no-token", NOW);
    assertThat(s.servers()).allSatisfy(o -> assertThat(o.reachability()).isEqualTo(Reachability.FORBIDDEN));
    Verdict v = diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER);
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
    assertThat(String.join(" ", v.evidence())).contains("FORBIDDEN").doesNotContain("confirmed down.");
  }

  @Test
  void anAclClusterWithTheManagementTokenOnlyCannotBeHealedSafely() {
    // the fresh servers cannot resolve the management token without a leader: 403 "ACL not found"
    ClusterSnapshot s = Fixtures.snapshot("two-replaced-acl-management", NOW);
    assertThat(s.reachable()).hasSize(1);
    Verdict v = diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER, knownBefore(s));
    assertThat(v.code()).isIn(DiagnosisCode.QUORUM_LOST, DiagnosisCode.UNOBSERVABLE);
    assertThat(s.servers().stream().filter(o -> o.reachability() == Reachability.FORBIDDEN)).hasSize(2);
  }

  @Test
  void anAclClusterWithTheAgentRecoveryTokenHasTheSameEvidenceAsWithoutAcls() {
    ClusterSnapshot s = Fixtures.snapshot("two-replaced-acl-agent-token", NOW);
    assertThat(s.reachable()).hasSize(3);
    Verdict v = diagnoser.diagnose(s, History.empty(), NOW, STUCK_AFTER, knownBefore(s));
    assertThat(v.code()).isEqualTo(DiagnosisCode.QUORUM_LOST);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.liveVoters()).isEqualTo(1);
  }
}
