package io.consulwatchdog.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.lab.ConsulLabExtension.Acl;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real Consul 1.8.7 lab with ACLs in default-deny mode: healthy, then stuck with two of three servers replaced. */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class LabAclTest {
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(20);

  @Test
  void theLabUsesItsManagementTokenWhileCallersWithoutOneAreDenied(@Acl TestLabCluster lab) throws Exception {
    lab.awaitLeader(LEADER_TIMEOUT);
    lab.putKeys("acl", 5);
    assertThat(lab.readKeys("acl")).hasSize(5).containsEntry(TestLabCluster.keyName("acl", 4), "value-4");

    LabAcl acl = lab.acl().orElseThrow();
    String first = lab.servers().get(0).name();
    assertThat(lab.get(first, "/v1/kv/acl/0000", Optional.empty())).as("a KV read without a token")
        .isInstanceOfSatisfying(EndpointResult.Answer.class, a -> {
          assertThat(a.status()).isEqualTo(403);
          assertThat(a.body()).endsWith("Permission denied"); // "rpc error making call: " via a follower
        });
    assertThat(acl.managementToken().value()).isNotEqualTo(acl.agentMasterToken().value());
    assertTokenFile(acl.managementTokenFile(), acl.managementToken());
    assertTokenFile(acl.agentMasterTokenFile(), acl.agentMasterToken());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(acl.configFile()))).isEqualTo("rw-------");

    ClusterConfig config = lab.clusterConfig(RecoveryConfig.defaults());
    assertThat(config.aclToken()).contains(acl.managementToken());
    assertThat(config.aclToken().orElseThrow().source()).isEqualTo("file:" + acl.managementTokenFile());
    for (LabServer server : lab.servers()) {
      String argv = new String(Files.readAllBytes(Path.of("/proc", Long.toString(server.pid().orElseThrow()),
          "cmdline")), StandardCharsets.UTF_8);
      assertThat(argv).contains("-config-file=" + acl.configFile());
      assertThat(acl.tokenValues()).allSatisfy(token -> assertThat(argv).doesNotContain(token));
    }
  }

  @Test
  void inTheStuckStateTheFreshServersAcceptOnlyTheAgentMasterToken(@Acl TestLabCluster lab) {
    // the leader goes first: a surviving leader would replicate its ACL state to the fresh servers
    String leader = lab.awaitLeader(LEADER_TIMEOUT).name();
    List<String> followers = lab.servers().stream().map(LabServer::name).filter(n -> !n.equals(leader)).toList();
    String survivor = followers.get(1);
    List<String> fresh = lab.replace(List.of(leader, followers.get(0))).stream().map(LabServer::name).toList();
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
        lab.leaderViews().size() == 3 && lab.leaderViews().values().stream().allMatch("\"\""::equals));
    LabAcl acl = lab.acl().orElseThrow();
    Optional<Secret> management = Optional.of(acl.managementToken());
    Optional<Secret> agentMaster = Optional.of(acl.agentMasterToken());

    assertThat(answer(lab, survivor, Endpoints.AGENT_SELF, management)).satisfies(status(200));
    assertThat(answer(lab, survivor, Endpoints.AGENT_MEMBERS, management)).satisfies(status(200));
    assertThat(answer(lab, survivor, Endpoints.RAFT_CONFIGURATION, management)).satisfies(status(200));
    assertThat(answer(lab, survivor, Endpoints.RAFT_CONFIGURATION, agentMaster))
        .isEqualTo(new EndpointResult.Answer(403, "ACL not found"));
    assertThat(answer(lab, survivor, Endpoints.AGENT_SELF, Optional.empty()))
        .isEqualTo(new EndpointResult.Answer(403, "Permission denied"));
    assertThat(answer(lab, survivor, Endpoints.AGENT_MEMBERS, Optional.empty())).as("members filtered by the ACLs")
        .isEqualTo(new EndpointResult.Answer(200, "[]"));
    for (String name : fresh) {
      for (String agentEndpoint : List.of(Endpoints.AGENT_SELF, Endpoints.AGENT_MEMBERS)) {
        assertThat(answer(lab, name, agentEndpoint, management)).as("%s %s, management token", name, agentEndpoint)
            .isEqualTo(new EndpointResult.Answer(403, "ACL not found"));
        assertThat(answer(lab, name, agentEndpoint, Optional.empty())).as("%s %s, no token", name, agentEndpoint)
            .isEqualTo(new EndpointResult.Answer(403, "ACL not found"));
      }
      assertThat(answer(lab, name, Endpoints.STATUS_LEADER, management)).isEqualTo(new EndpointResult.Answer(200, "\"\""));
      assertThat(answer(lab, name, Endpoints.STATUS_PEERS, management)).isEqualTo(new EndpointResult.Answer(200, "[]"));
    }
    for (LabServer server : lab.servers()) {
      assertThat(answer(lab, server.name(), Endpoints.AGENT_SELF, agentMaster)).as("%s agent/self, agent_master", server)
          .satisfies(status(200));
      assertThat(answer(lab, server.name(), Endpoints.AGENT_MEMBERS, agentMaster)).as("%s members, agent_master", server)
          .satisfies(status(200));
    }
  }

  /**
   * GETs a path, asking again while the request times out: in the stuck state a server busy with its
   * elections (a vote written to disk on a loaded machine) can take longer than the lab's 2 s to answer,
   * and what these tests look at is the answer, not how fast it comes.
   */
  private static EndpointResult answer(TestLabCluster lab, String name, String path, Optional<Secret> token) {
    EndpointResult last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      last = lab.get(name, path, token);
      if (!(last instanceof EndpointResult.Failure f) || f.kind() != Reachability.TIMEOUT) {
        return last;
      }
    }
    return last;
  }

  private static void assertTokenFile(Path file, Secret token) throws Exception {
    assertThat(Files.readString(file).trim()).isEqualTo(token.value());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(token.source()).isEqualTo("file:" + file);
  }

  private static Consumer<EndpointResult> status(int expected) {
    return result -> assertThat(result).isInstanceOfSatisfying(EndpointResult.Answer.class,
        a -> assertThat(a.status()).as(a.body()).isEqualTo(expected));
  }
}
