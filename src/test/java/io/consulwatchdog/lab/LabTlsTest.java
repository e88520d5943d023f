package io.consulwatchdog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.lab.ConsulLabExtension.Acl;
import io.consulwatchdog.lab.ConsulLabExtension.Tls;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.observe.ServerObservation;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real Consul 1.8.7 lab serving only HTTPS with client certificates required, and ACLs on. */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class LabTlsTest {
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(20);

  @Test
  void anHttpsOnlyAclLabElectsALeaderServesKeysAndTakesAFreshServer(@Acl @Tls TestLabCluster lab) {
    LabServer leader = lab.awaitLeader(LEADER_TIMEOUT);
    System.out.printf("lab: TLS+ACL startup to agreed leader took %d ms%n",
        Duration.between(lab.startedAt(), Instant.now()).toMillis());
    lab.putKeys("tls", 20);
    assertThat(lab.readKeys("tls")).hasSize(20).containsEntry(TestLabCluster.keyName("tls", 19), "value-19");
    assertThat(lab.servers()).extracting(LabServer::httpUri).allSatisfy(uri -> {
      assertThat(uri.getScheme()).isEqualTo("https");
      assertThat(uri.getPort()).isEqualTo(LabServer.HTTPS_PORT);
    });

    LabTls tls = lab.tls().orElseThrow();
    URI plain = URI.create("http://" + leader.address() + ":" + LabServer.HTTP_PORT);
    TlsConfig noClientCertificate = new TlsConfig(Optional.of(tls.caFile()), Optional.empty(), Optional.empty(), false);
    try (ConsulHttp plainHttp = new ConsulHttp(Duration.ofSeconds(2), Optional.empty(), TlsConfig.defaults());
        ConsulHttp anonymous = new ConsulHttp(Duration.ofSeconds(2), Optional.empty(), noClientCertificate)) {
      assertThat(plainHttp.get(plain, Endpoints.STATUS_LEADER)).as("no plain HTTP port")
          .isInstanceOfSatisfying(EndpointResult.Failure.class, f -> assertThat(f.kind()).isEqualTo(Reachability.REFUSED));
      assertThat(anonymous.get(leader.httpUri(), Endpoints.STATUS_LEADER)).as("HTTPS without a client certificate")
          .isInstanceOf(EndpointResult.Failure.class);
    }

    String follower = lab.servers().stream().map(LabServer::name).filter(n -> !n.equals(leader.name()))
        .findFirst().orElseThrow();
    LabServer fresh = lab.replace(follower);
    // a fresh server leaves ACL legacy mode only once it sees the leader out of it: slow on a busy machine
    LabServer leaderAfter = lab.awaitLeader(TestLabCluster.FRESH_ACL_SERVER_TIMEOUT);
    assertThat(lab.runningServers()).hasSize(3).contains(fresh);

    ClusterConfig config = lab.clusterConfig(RecoveryConfig.defaults());
    assertThat(config.tls()).isEqualTo(tls.clientConfig());
    assertThat(config.aclToken()).contains(lab.acl().orElseThrow().managementToken());
    try (HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      ClusterSnapshot snapshot = observer.observe(config);
      assertThat(snapshot.servers()).as("observed through clusterConfig()").hasSize(3)
          .allSatisfy(o -> assertThat(o.reachable()).as(o.name() + ": " + o.error()).isTrue());
      List<String> leaders = snapshot.servers().stream().filter(o -> "Leader".equals(o.raftState()))
          .map(ServerObservation::name).toList();
      assertThat(leaders).containsExactly(leaderAfter.name());
    }
  }
}
