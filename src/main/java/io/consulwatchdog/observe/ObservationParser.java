package io.consulwatchdog.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns the raw answers of one server's endpoints into a {@link ServerObservation}; never throws. */
public final class ObservationParser {
  private static final ObjectMapper JSON = JsonMapper.compact();
  /** One entry of Stats.raft.latest_configuration, e.g. {Suffrage:Voter ID:abc Address:10.0.0.1:8300}. */
  private static final Pattern LATEST_CONFIG_ENTRY =
      Pattern.compile("\\{Suffrage:(\\w+) ID:(\\S+) Address:(\\S+?)\\}");

  private ObservationParser() {}

  /** Parses the answers, keyed by the paths in {@link Endpoints}. */
  public static ServerObservation parse(String name, URI address, Map<String, EndpointResult> answers) {
    EndpointResult self = answers.get(Endpoints.AGENT_SELF);
    if (self == null) {
      return ServerObservation.unreachable(name, address, Reachability.ERROR, "agent/self was not requested");
    }
    if (self instanceof EndpointResult.Failure f) {
      return ServerObservation.unreachable(name, address, f.kind(), f.message());
    }
    EndpointResult.Answer a = (EndpointResult.Answer) self;
    if (a.status() == 403) {
      return ServerObservation.unreachable(name, address, Reachability.FORBIDDEN,
          Endpoints.AGENT_SELF + " answered 403 " + firstLine(a.body()) + ": the agent runs, the ACL token is "
              + "missing, lacks agent:read, or cannot be resolved without a leader (use an agent token)");
    }
    if (a.status() != 200) {
      return ServerObservation.unreachable(name, address, Reachability.HTTP_ERROR,
          "agent/self answered HTTP " + a.status() + ": " + firstLine(a.body()));
    }
    JsonNode root = json(a.body());
    if (root == null || !root.path("Config").isObject()) {
      return ServerObservation.unreachable(name, address, Reachability.GARBAGE,
          "agent/self answered something that is not Consul's JSON: " + firstLine(a.body()));
    }
    Map<String, String> errors = new LinkedHashMap<>();
    JsonNode config = root.path("Config");
    JsonNode raft = root.path("Stats").path("raft");
    JsonNode member = root.path("Member");
    String raftAddress = member.path("Addr").asText("").isEmpty() || member.path("Tags").path("port").asText("").isEmpty()
        ? "" : member.path("Addr").asText() + ":" + member.path("Tags").path("port").asText();
    Optional<List<RaftServer>> raftConfig = raftConfiguration(answers.get(Endpoints.RAFT_CONFIGURATION), errors);
    if (raftConfig.isEmpty()) {
      raftConfig = latestConfiguration(raft.path("latest_configuration").asText(""));
    }
    return new ServerObservation(
        name,
        address,
        Reachability.OK,
        "",
        config.path("NodeID").asText(""),
        config.path("NodeName").asText(""),
        config.path("Version").asText(""),
        config.path("Server").asBoolean(false),
        raft.path("state").asText(""),
        number(raft.path("term")),
        newestIndex(raft),
        newestTerm(raft),
        raft.path("last_contact").asText(""),
        (int) number(raft.path("protocol_version")),
        raftAddress,
        leader(answers.get(Endpoints.STATUS_LEADER), errors),
        peers(answers.get(Endpoints.STATUS_PEERS), errors),
        raftConfig,
        members(answers.get(Endpoints.AGENT_MEMBERS), errors),
        errors);
  }

  private static Optional<String> leader(EndpointResult r, Map<String, String> errors) {
    return body(Endpoints.STATUS_LEADER, r, errors).flatMap(n -> {
      if (!n.isTextual()) {
        errors.put(Endpoints.STATUS_LEADER, "not a JSON string: " + firstLine(n.toString()));
        return Optional.empty();
      }
      return Optional.of(n.asText());
    });
  }

  private static Optional<List<String>> peers(EndpointResult r, Map<String, String> errors) {
    return body(Endpoints.STATUS_PEERS, r, errors).flatMap(n -> {
      if (!n.isArray()) {
        errors.put(Endpoints.STATUS_PEERS, "not a JSON list");
        return Optional.empty();
      }
      List<String> out = new ArrayList<>();
      n.forEach(p -> out.add(p.asText()));
      return Optional.of(List.copyOf(out));
    });
  }

  private static Optional<List<RaftServer>> raftConfiguration(EndpointResult r, Map<String, String> errors) {
    return body(Endpoints.RAFT_CONFIGURATION, r, errors).flatMap(n -> {
      JsonNode servers = n.path("Servers");
      if (!servers.isArray()) {
        errors.put(Endpoints.RAFT_CONFIGURATION, "no Servers list");
        return Optional.empty();
      }
      List<RaftServer> out = new ArrayList<>();
      servers.forEach(s -> out.add(new RaftServer(s.path("ID").asText(""), s.path("Node").asText(""),
          s.path("Address").asText(""), s.path("Voter").asBoolean(false))));
      return Optional.of(List.copyOf(out));
    });
  }

  /** Reads Stats.raft.latest_configuration, which answers even when the stale read fails. */
  static Optional<List<RaftServer>> latestConfiguration(String text) {
    if (text.isBlank() || !text.startsWith("[")) {
      return Optional.empty();
    }
    List<RaftServer> out = new ArrayList<>();
    Matcher m = LATEST_CONFIG_ENTRY.matcher(text);
    while (m.find()) {
      out.add(new RaftServer(m.group(2), "", m.group(3), m.group(1).equals("Voter")));
    }
    return Optional.of(List.copyOf(out));
  }

  private static Optional<List<Member>> members(EndpointResult r, Map<String, String> errors) {
    return body(Endpoints.AGENT_MEMBERS, r, errors).flatMap(n -> {
      if (!n.isArray()) {
        errors.put(Endpoints.AGENT_MEMBERS, "not a JSON list");
        return Optional.empty();
      }
      List<Member> out = new ArrayList<>();
      n.forEach(m -> out.add(new Member(m.path("Name").asText(""), m.path("Addr").asText(""),
          m.path("Status").asInt(0), "consul".equals(m.path("Tags").path("role").asText()),
          m.path("Tags").path("id").asText(""), (int) number(m.path("Tags").path("port")))));
      return Optional.of(List.copyOf(out));
    });
  }

  private static Optional<JsonNode> body(String endpoint, EndpointResult r, Map<String, String> errors) {
    if (r == null) {
      errors.put(endpoint, "not requested");
      return Optional.empty();
    }
    if (r instanceof EndpointResult.Failure f) {
      errors.put(endpoint, f.kind() + ": " + f.message());
      return Optional.empty();
    }
    EndpointResult.Answer a = (EndpointResult.Answer) r;
    if (a.status() != 200) {
      errors.put(endpoint, "HTTP " + a.status() + ": " + firstLine(a.body()));
      return Optional.empty();
    }
    JsonNode n = json(a.body());
    if (n == null) {
      errors.put(endpoint, "not JSON: " + firstLine(a.body()));
      return Optional.empty();
    }
    return Optional.of(n);
  }

  /**
   * The index of the server's newest raft entry, in its log or its snapshot: Stats.raft.last_log_index covers
   * the log only, while raft compares max(log, snapshot) in elections (a freshly recovered server holds a
   * snapshot and an empty log).
   */
  private static long newestIndex(JsonNode raft) {
    return Math.max(number(raft.path("last_log_index")), number(raft.path("last_snapshot_index")));
  }

  /** The term of the newest raft entry, in the log or the snapshot (see {@link #newestIndex}). */
  private static long newestTerm(JsonNode raft) {
    return number(raft.path("last_snapshot_index")) > number(raft.path("last_log_index"))
        ? number(raft.path("last_snapshot_term")) : number(raft.path("last_log_term"));
  }

  private static long number(JsonNode n) {
    if (n.isNumber()) {
      return n.asLong();
    }
    try {
      return Long.parseLong(n.asText("").trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static JsonNode json(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n == null || n.isMissingNode() ? null : n;
    } catch (IOException e) {
      return null;
    }
  }

  private static String firstLine(String s) {
    String t = s == null ? "" : s.strip();
    int nl = t.indexOf('\n');
    t = nl < 0 ? t : t.substring(0, nl);
    return t.length() > 120 ? t.substring(0, 120) + "..." : t;
  }
}
