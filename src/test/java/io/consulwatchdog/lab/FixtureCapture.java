package io.consulwatchdog.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Saves what every server of a lab cluster answers on the endpoints the watchdog polls, as raw
 * bodies and status codes, to src/test/resources/fixtures/&lt;state&gt;/&lt;server&gt;.json.
 */
public final class FixtureCapture {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Long enough to record Consul's own answer rather than our timeout (rpc_hold_timeout is 7 s). */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

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

  /** Captures every current server (running or not) in parallel; replaces the state's old files. */
  public Path capture(LabCluster lab, String state) {
    Path dir = root.resolve(state);
    try (ConsulHttp http = new ConsulHttp(REQUEST_TIMEOUT, Optional.empty(), TlsConfig.defaults())) {
      List<CompletableFuture<ObjectNode>> pending = lab.servers().stream()
          .map(s -> CompletableFuture.supplyAsync(() -> snapshot(http, s)))
          .toList();
      List<ObjectNode> snapshots = pending.stream().map(CompletableFuture::join).toList();
      clear(dir);
      Files.createDirectories(dir);
      for (ObjectNode snapshot : snapshots) {
        JSON.writeValue(dir.resolve(snapshot.get("name").asText() + ".json").toFile(), snapshot);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write fixtures to " + dir, e);
    }
  }

  private static ObjectNode snapshot(ConsulHttp http, LabServer server) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", server.name());
    node.put("httpAddress", server.httpUri().toString());
    ObjectNode endpoints = node.putObject("endpoints");
    for (String path : Endpoints.ALL) {
      ObjectNode entry = endpoints.putObject(path);
      EndpointResult result = http.get(server.httpUri(), path);
      if (result instanceof EndpointResult.Answer a) {
        entry.put("status", a.status());
        entry.put("body", a.body());
      } else {
        EndpointResult.Failure f = (EndpointResult.Failure) result;
        entry.put("error", f.message());
        entry.put("reachability", f.kind().name());
      }
    }
    return node;
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
