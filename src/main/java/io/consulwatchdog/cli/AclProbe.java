package io.consulwatchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * `check --explain-acl`: asks every server each endpoint the watchdog needs, with the token it would send,
 * and says which ACL rule is missing where. Reads only; without a leader some answers cannot tell.
 */
final class AclProbe {
  private AclProbe() {}

  /** One permission the watchdog needs, the endpoint that proves it, and why it is needed. */
  private record Need(String rule, String path, String why) {}

  private static final List<Need> NEEDS = List.of(
      new Need("agent:read (or the agent recovery token)", Endpoints.AGENT_SELF,
          "each server's identity, version and raft state, also without a leader"),
      new Need("node:read", Endpoints.AGENT_MEMBERS,
          "gossip: whether a missing server is alive or failed; peers-json refuses without it"),
      new Need("operator:read", Endpoints.RAFT_CONFIGURATION,
          "the raft configuration with node names (Stats.raft has it without names)"));

  /** Prints one line per server and permission; returns the number of permissions found missing. */
  static int explain(ClusterConfig cluster, PrintWriter out) {
    int missing = 0;
    out.printf("cluster %s: ACL permissions the watchdog needs (acl_token %s, agent_token %s)%n", cluster.name(),
        source(cluster.aclToken()), source(cluster.agentToken()));
    try (ConsulHttp http = new ConsulHttp(cluster)) {
      for (Need need : NEEDS) {
        List<String> rows = new ArrayList<>();
        boolean lacking = false;
        for (ServerConfig server : cluster.servers()) {
          EndpointResult r = http.get(server.httpAddress(), need.path());
          String verdict = judge(need, r);
          lacking |= verdict.startsWith("MISSING");
          rows.add(String.format("    %-14s %s", server.name(), verdict));
        }
        if (lacking) {
          missing++;
        }
        out.printf("  %s %s via %s (token: %s) - %s%n", lacking ? "[MISSING]" : "[ok]     ", need.rule(),
            need.path(), source(cluster.tokenFor(need.path())), need.why());
        rows.forEach(out::println);
      }
    }
    out.println("  The policy to grant is in the README (\"ACL policy\"); the agent recovery token is Consul's "
        + "acl.tokens.agent_master (agent_recovery since 1.11).");
    out.flush();
    return missing;
  }

  private static String judge(Need need, EndpointResult r) {
    if (r instanceof EndpointResult.Failure f) {
      return "cannot tell: " + f.kind() + " (" + f.message() + ")";
    }
    EndpointResult.Answer a = (EndpointResult.Answer) r;
    if (a.status() == 403) {
      return "MISSING: 403 " + firstLine(a.body())
          + (a.body().contains("ACL not found") ? " (the token cannot be resolved here: no leader, or unknown token;"
              + " an agent recovery token works on agent endpoints)" : "");
    }
    if (a.status() == 500 && a.body().contains("No cluster leader")) {
      return "cannot tell: no leader";
    }
    if (a.status() != 200) {
      return "cannot tell: HTTP " + a.status() + " " + firstLine(a.body());
    }
    if (need.path().equals(Endpoints.AGENT_MEMBERS) && !listsAServer(a.body())) {
      return "MISSING: the member list comes back without servers (filtered by the ACLs: node:read)";
    }
    return "ok";
  }

  private static boolean listsAServer(String body) {
    try {
      JsonNode members = JsonMapper.compact().readTree(body);
      for (JsonNode m : members) {
        if ("consul".equals(m.path("Tags").path("role").asText())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static String source(Optional<Secret> token) {
    return token.map(Secret::source).orElse("none");
  }

  private static String firstLine(String body) {
    String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
    return line.length() > 100 ? line.substring(0, 100) + "..." : line;
  }
}
