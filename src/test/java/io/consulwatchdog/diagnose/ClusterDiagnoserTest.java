package io.consulwatchdog.diagnose;

import static io.consulwatchdog.observe.ObservationBuilder.member;
import static io.consulwatchdog.observe.ObservationBuilder.server;
import static io.consulwatchdog.observe.ObservationBuilder.snapshot;
import static io.consulwatchdog.observe.ObservationBuilder.voter;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.Member;
import io.consulwatchdog.observe.RaftServer;
import io.consulwatchdog.consul.Reachability;
import java.time.Duration;
import java.time.Instant;
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
  void twoOfThreeReplacedIsLeaderlessWithStaleConfiguration() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("45s").log(2, 200).configuration(THREE),
        server("s4", 4).lastContact("never").log(0, 0),
        server("s5", 5).lastContact("never").log(0, 0)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.LEADERLESS);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
    assertThat(v.liveVoters()).isEqualTo(1);
    assertThat(v.voters()).isEqualTo(3);
    assertThat(v.concerned()).containsExactly("s4", "s5");
    assertThat(v.leaderlessFor()).contains(Duration.ofSeconds(45));
  }

  @Test
  void replacedOnSameNameAndAddressIsStaleToo() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).state("Candidate").lastContact("45s").configuration(THREE),
        server("s2", 2).id("new-s2").lastContact("never").log(0, 0),
        server("s3", 3).id("new-s3").lastContact("never").log(0, 0)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.LEADERLESS);
    assertThat(v.cause()).isEqualTo(LeaderlessCause.STALE_CONFIGURATION);
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
  void everyServerDownIsUnobservableNeverAFault() {
    Verdict v = diagnose(snapshot(NOW,
        server("s1", 1).unreachable(Reachability.REFUSED),
        server("s2", 2).unreachable(Reachability.REFUSED),
        server("s3", 3).unreachable(Reachability.REFUSED)));
    assertThat(v.code()).isEqualTo(DiagnosisCode.UNOBSERVABLE);
    assertThat(v.code().needsRecovery()).isFalse();
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
    assertThat(votersDown.code()).isEqualTo(DiagnosisCode.LEADERLESS);
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
