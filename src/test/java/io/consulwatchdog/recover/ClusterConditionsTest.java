package io.consulwatchdog.recover;

import static io.consulwatchdog.observe.ObservationBuilder.server;
import static io.consulwatchdog.observe.ObservationBuilder.snapshot;
import static io.consulwatchdog.observe.ObservationBuilder.voter;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.consul.Reachability;
import org.junit.jupiter.api.Test;

class ClusterConditionsTest {
  private static final String L1 = "127.0.0.1:8300";

  @Test
  void aLeaderEveryReachableServerNamesIsAgreed() {
    ClusterSnapshot s = snapshot(Fixtures.T0,
        server("s1", 1).leader().configuration(voter("s1", 1), voter("s2", 2), voter("s3", 3)),
        server("s2", 2).sees(L1), server("s3", 3).unreachable(Reachability.REFUSED));
    assertThat(ClusterConditions.agreedLeader(s)).contains(L1);
    assertThat(ClusterConditions.liveVotersUnderLeader(s)).isEqualTo(2);
    assertThat(ClusterConditions.serverUp(s, "s2")).isTrue();
    assertThat(ClusterConditions.serverUp(s, "s3")).isFalse();
  }

  @Test
  void aServerNamingAnotherLeaderMeansNoAgreement() {
    ClusterSnapshot s = snapshot(Fixtures.T0, server("s1", 1).leader(), server("s2", 2).sees(L1),
        server("s3", 3).sees("127.0.0.3:8300"));
    assertThat(ClusterConditions.agreedLeader(s)).isEmpty();
    assertThat(ClusterConditions.liveVotersUnderLeader(s)).isZero();
  }

  @Test
  void followersWithoutALeaderServerAreNotEnough() {
    // Right after the leader dies the others still name it for a moment.
    ClusterSnapshot s = snapshot(Fixtures.T0, server("s1", 1).unreachable(Reachability.REFUSED),
        server("s2", 2).sees(L1), server("s3", 3).sees(L1));
    assertThat(ClusterConditions.agreedLeader(s)).isEmpty();
  }

  @Test
  void votersOutsideTheLiveServersAreNotCounted() {
    ClusterSnapshot s = snapshot(Fixtures.T0,
        server("s1", 1).leader().configuration(voter("s1", 1), voter("old2", 7), voter("old3", 8)),
        server("s2", 2).sees(L1), server("s3", 3).sees(L1));
    assertThat(ClusterConditions.liveVotersUnderLeader(s)).isEqualTo(1);
  }
}
