package io.consulwatchdog.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Saves what every server of a lab cluster answers on the endpoints the watchdog polls, as raw
 * bodies and status codes, to src/test/resources/fixtures/&lt;state&gt;/&lt;server&gt;.json. In an ACL lab
 * each endpoint's entry names the token it was read with, and every token value is redacted.
 */
public final class FixtureCapture {
  /** What replaces a token value found in a body or error message. */
  public static final String REDACTED = "<redacted>";

  private static final ObjectMapper JSON = JsonMapper.pretty();

  /** Long enough to record Consul's own answer rather than our timeout (rpc_hold_timeout is 7 s). */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The token sent on one endpoint.
   *
   * @param label what the fixture records, e.g. "management" (never the value)
   * @param secret the token; empty sends none
   */
  public record Token(String label, Optional<Secret> secret) {
    /** No token at all. */
    public static Token none() {
      return new Token("none", Optional.empty());
    }

    /** The lab's management token (acl.tokens.master). */
    public static Token management(LabAcl acl) {
      return new Token("management", Optional.of(acl.managementToken()));
    }

    /** The lab's agent_master token (acl.tokens.agent_master). */
    public static Token agentMaster(LabAcl acl) {
      return new Token("agent_master", Optional.of(acl.agentMasterToken()));
    }
  }

  private final Path root;

  /** Writes under the given fixtures directory. */
  public FixtureCapture(Path root) {
    this.root = root;
  }

  /** Writes under src/test/resources/fixtures of the project. */
  public static FixtureCapture inProject() {
    Path project = ProjectDir.find().orElseThrow(() -> new IllegalStateException("project dir not found"));
    return new FixtureCapture(project.resolve("src/test/resources/fixtures"));
  }

  /** Captures every current server (running or not) in parallel with no token; replaces the state's old files. */
  public Path capture(TestLabCluster lab, String state) {
    return capture(lab, state, endpoint -> Token.none());
  }

  /**
   * Captures every current server (running or not) in parallel, sending on each endpoint the token the
   * function picks; replaces the state's old files. Throws if a token value would reach a file.
   */
  public Path capture(TestLabCluster lab, String state, Function<String, Token> tokenFor) {
    Path dir = root.resolve(state);
    List<String> secrets = lab.acl().map(LabAcl::tokenValues).orElse(List.of());
    Map<String, ConsulHttp> clients = new LinkedHashMap<>();
    try {
      for (String path : Endpoints.ALL) {
        clients.put(path, new ConsulHttp(REQUEST_TIMEOUT, tokenFor.apply(path).secret(), lab.clientTls()));
      }
      List<CompletableFuture<ObjectNode>> pending = lab.servers().stream()
          .map(s -> CompletableFuture.supplyAsync(() -> snapshot(clients, tokenFor, s, secrets)))
          .toList();
      List<ObjectNode> snapshots = pending.stream().map(CompletableFuture::join).toList();
      clear(dir);
      Files.createDirectories(dir);
      for (ObjectNode snapshot : snapshots) {
        String text = JSON.writeValueAsString(snapshot);
        if (secrets.stream().anyMatch(text::contains)) {
          throw new IllegalStateException("a token value survived redaction in the capture of " + state);
        }
        Files.writeString(dir.resolve(snapshot.get("name").asText() + ".json"), text, StandardCharsets.UTF_8);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write fixtures to " + dir, e);
    } finally {
      clients.values().forEach(ConsulHttp::close);
    }
  }

  private static ObjectNode snapshot(Map<String, ConsulHttp> clients, Function<String, Token> tokenFor,
      LabServer server, List<String> secrets) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", server.name());
    node.put("httpAddress", server.httpUri().toString());
    ObjectNode endpoints = node.putObject("endpoints");
    for (String path : Endpoints.ALL) {
      ObjectNode entry = endpoints.putObject(path);
      EndpointResult result = clients.get(path).get(server.httpUri(), path);
      if (!secrets.isEmpty()) {
        entry.put("token", tokenFor.apply(path).label());
      }
      if (result instanceof EndpointResult.Answer a) {
        entry.put("status", a.status());
        entry.put("body", redact(a.body(), secrets));
      } else {
        EndpointResult.Failure f = (EndpointResult.Failure) result;
        entry.put("error", redact(f.message(), secrets));
        entry.put("reachability", f.kind().name());
      }
    }
    return node;
  }

  private static String redact(String text, List<String> secrets) {
    String redacted = text;
    for (String secret : secrets) {
      redacted = redacted.replace(secret, REDACTED);
    }
    return redacted;
  }

  private static void clear(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
        Files.delete(f);
      }
    }
  }
}
