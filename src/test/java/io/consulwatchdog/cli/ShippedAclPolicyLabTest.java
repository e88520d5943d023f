package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.lab.ConsulLabExtension.Acl;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.TestLabCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ACL policy the README asks for (config/consul/consul-watchdog-policy.hcl) is enough on a real
 * default-deny Consul 1.8.7 cluster, and `check --explain-acl` names the rule a weaker token lacks.
 */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class ShippedAclPolicyLabTest {

  @Test
  void theShippedPolicyGrantsEveryPermissionAndExplainAclNamesAMissingOne(@Acl TestLabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(30));
    ClusterConfig admin = lab.cluster().clusterConfig(RecoveryConfig.defaults());
    URI leader = lab.awaitLeader(Duration.ofSeconds(10)).httpUri();
    String shipped = Files.readString(Path.of("config/consul/consul-watchdog-policy.hcl"));
    String full = tokenFor(admin, leader, "consul-watchdog", shipped);
    String weak = tokenFor(admin, leader, "no-operator", shipped.replace("operator = \"read\"", ""));

    // a new token reaches the followers' ACL caches within moments: ask until every server knows both
    ClusterConfig withFull = admin.withTokens(Optional.of(new Secret("test:shipped-policy", full)), Optional.empty());
    ClusterConfig withWeak = admin.withTokens(Optional.of(new Secret("test:weak", weak)), Optional.empty());
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
        .until(() -> explain(withFull, new StringWriter()) == 0 && explain(withWeak, new StringWriter()) <= 1);
    StringWriter ok = new StringWriter();
    assertThat(explain(withFull, ok)).as(ok.toString()).isZero();
    assertThat(ok.toString()).doesNotContain("[MISSING]").contains("[ok]      operator:read");

    StringWriter missing = new StringWriter();
    assertThat(explain(withWeak, missing)).as(missing.toString()).isEqualTo(1);
    assertThat(missing.toString()).contains("[MISSING] operator:read").contains("403");
  }

  private static int explain(ClusterConfig cluster, StringWriter out) {
    return AclProbe.explain(cluster, new PrintWriter(out, true));
  }

  /** Creates a policy with these rules and a token for it, through the management token; returns its secret. */
  private static String tokenFor(ClusterConfig admin, URI leader, String name, String rules) throws Exception {
    try (ConsulHttp http = new ConsulHttp(admin)) {
      ObjectNode policy = JsonMapper.compact().createObjectNode().put("Name", name).put("Rules", rules);
      EndpointResult created = http.put(leader, "/v1/acl/policy", policy.toString());
      assertThat(created).isInstanceOfSatisfying(EndpointResult.Answer.class,
          a -> assertThat(a.status()).as(a.body()).isEqualTo(200));
      ObjectNode token = JsonMapper.compact().createObjectNode();
      token.putArray("Policies").addObject().put("Name", name);
      EndpointResult t = http.put(leader, "/v1/acl/token", token.toString());
      JsonNode body = JsonMapper.compact().readTree(((EndpointResult.Answer) t).body());
      return body.path("SecretID").asText();
    }
  }
}
