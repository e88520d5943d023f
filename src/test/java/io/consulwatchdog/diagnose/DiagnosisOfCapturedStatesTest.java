package io.consulwatchdog.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.Fixtures;
import io.consulwatchdog.observe.ServerObservation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Diagnosis of snapshots captured from real Consul 1.8.7 clusters in each state (see the lab's FixtureCapture). */
class DiagnosisOfCapturedStatesTest {
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static final Duration STUCK_AFTER = Duration.ofSeconds(5);
  private final ClusterDiagnoser diagnoser = new ClusterDiagnoser();

  private Verdict diagnose(String state) {
    return diagnoser.diagnose(Fixtures.snapshot(state, NOW), History.empty(), NOW, STUCK_AFTER);
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
  void twoReplacedIsLeaderlessWithStaleConfiguration() {
    Verdict v = diagnose("two-replaced");
    assertThat(v.code()).isEqualTo(DiagnosisCode.LEADERLESS);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.liveVoters()).isEqualTo(1);
    assertThat(v.voters()).isEqualTo(3);
    assertThat(v.concerned()).containsExactly("consul-s4", "consul-s5");
  }

  @Test
  void threeOfFiveReplacedIsLeaderlessOnceTheHistoryShowsItLasting() {
    ClusterSnapshot s = Fixtures.snapshot("five-three-replaced", NOW);
    History h = History.empty().record(diagnoser.diagnose(Fixtures.snapshot("five-three-replaced", NOW.minusSeconds(20)),
        History.empty(), NOW.minusSeconds(20), STUCK_AFTER));
    Verdict v = diagnoser.diagnose(s, h, NOW, STUCK_AFTER);
    assertThat(v.code()).isEqualTo(DiagnosisCode.LEADERLESS);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.voters()).isEqualTo(5);
    assertThat(v.liveVoters()).isEqualTo(2);
  }

  @Test
  void allDownIsUnobservable() {
    Verdict v = diagnose("all-down");
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
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
}
