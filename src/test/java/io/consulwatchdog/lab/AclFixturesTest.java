package io.consulwatchdog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The captured ACL stuck state (two of three servers replaced, default deny) holds what the real servers
 * answered with each token, labelled, and no token value.
 */
class AclFixturesTest {
  private static final ObjectMapper JSON = JsonMapper.compact();
  private static final List<String> ACL_STATES = List.of("two-replaced-acl-management",
      "two-replaced-acl-agent-token", "two-replaced-acl-no-token");
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  @Test
  void withTheManagementTokenOnlyTheSurvivorAnswersTheAgentEndpoints() throws Exception {
    for (JsonNode server : servers("two-replaced-acl-management")) {
      boolean survivor = survivor(server);
      assertThat(token(server, Endpoints.AGENT_SELF)).isEqualTo("management");
      assertThat(status(server, Endpoints.AGENT_SELF)).isEqualTo(survivor ? 200 : 403);
      assertThat(status(server, Endpoints.AGENT_MEMBERS)).isEqualTo(survivor ? 200 : 403);
      assertThat(status(server, Endpoints.STATUS_LEADER)).isEqualTo(200);
      assertThat(body(server, Endpoints.STATUS_LEADER)).isEqualTo("\"\"");
      if (!survivor) {
        assertThat(body(server, Endpoints.AGENT_SELF)).isEqualTo("ACL not found");
      }
    }
  }

  @Test
  void withTheAgentMasterTokenEveryServerAnswersTheAgentEndpoints() throws Exception {
    for (JsonNode server : servers("two-replaced-acl-agent-token")) {
      assertThat(token(server, Endpoints.AGENT_SELF)).isEqualTo("agent_master");
      assertThat(token(server, Endpoints.RAFT_CONFIGURATION)).isEqualTo("management");
      assertThat(status(server, Endpoints.AGENT_SELF)).as(server.path("name").asText()).isEqualTo(200);
      assertThat(status(server, Endpoints.AGENT_MEMBERS)).isEqualTo(200);
    }
  }

  @Test
  void withoutATokenEveryServerAnswers403() throws Exception {
    for (JsonNode server : servers("two-replaced-acl-no-token")) {
      assertThat(token(server, Endpoints.AGENT_SELF)).isEqualTo("none");
      assertThat(status(server, Endpoints.AGENT_SELF)).isEqualTo(403);
      assertThat(body(server, Endpoints.AGENT_SELF)).isEqualTo(
          survivor(server) ? "Permission denied" : "ACL not found");
    }
  }

  /**
   * The tokens were random UUIDs; so are node IDs. Every UUID stored must be a node ID that the captures
   * themselves name as one (agent/self Config.NodeID, a member's id tag, a raft configuration ID).
   */
  @Test
  void everyUuidStoredIsANodeIdNeverAToken() throws Exception {
    Set<String> nodeIds = new TreeSet<>();
    Set<String> uuids = new TreeSet<>();
    for (String state : ACL_STATES) {
      for (JsonNode server : servers(state)) {
        nodeIds.addAll(nodeIdsNamedBy(server));
        Matcher m = UUID.matcher(server.toString());
        while (m.find()) {
          uuids.add(m.group());
        }
      }
    }
    assertThat(nodeIds).as("node IDs named by the captures: 3 original servers, 2 fresh").hasSize(5);
    assertThat(uuids).isNotEmpty().isSubsetOf(nodeIds);
  }

  private static Set<String> nodeIdsNamedBy(JsonNode server) throws IOException {
    Set<String> ids = new TreeSet<>();
    if (status(server, Endpoints.AGENT_SELF) == 200) {
      ids.add(JSON.readTree(body(server, Endpoints.AGENT_SELF)).path("Config").path("NodeID").asText());
    }
    if (status(server, Endpoints.AGENT_MEMBERS) == 200) {
      JSON.readTree(body(server, Endpoints.AGENT_MEMBERS)).forEach(m -> ids.add(m.path("Tags").path("id").asText()));
    }
    if (status(server, Endpoints.RAFT_CONFIGURATION) == 200) {
      JSON.readTree(body(server, Endpoints.RAFT_CONFIGURATION)).path("Servers")
          .forEach(s -> ids.add(s.path("ID").asText()));
    }
    return ids;
  }

  private static List<JsonNode> servers(String state) throws IOException, URISyntaxException {
    Path dir = Path.of(AclFixturesTest.class.getResource("/fixtures/" + state).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<JsonNode> servers = files.filter(p -> p.toString().endsWith(".json")).sorted()
          .map(AclFixturesTest::read).toList();
      assertThat(servers).as(state).hasSize(3);
      assertThat(servers.stream().filter(AclFixturesTest::survivor)).as("survivors in %s", state).hasSize(1);
      return servers;
    }
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new AssertionError("cannot read " + file, e);
    }
  }

  /** The survivor is the one server that still has a raft configuration; the fresh ones answer []. */
  private static boolean survivor(JsonNode server) {
    return !body(server, Endpoints.STATUS_PEERS).equals("[]");
  }

  private static String token(JsonNode server, String endpoint) {
    return server.path("endpoints").path(endpoint).path("token").asText();
  }

  private static int status(JsonNode server, String endpoint) {
    return server.path("endpoints").path(endpoint).path("status").asInt();
  }

  private static String body(JsonNode server, String endpoint) {
    return server.path("endpoints").path(endpoint).path("body").asText();
  }
}
