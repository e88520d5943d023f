package io.consulwatchdog.observe;

import io.consulwatchdog.consul.Reachability;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.consul.EndpointResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Loads the snapshots captured from real Consul 1.8.7 servers (src/test/resources/fixtures/STATE). */
public final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** The snapshot of one captured state, parsed exactly as a live poll would be. */
  public static ClusterSnapshot snapshot(String state, Instant at) {
    Path dir;
    try {
      dir = Path.of(Fixtures.class.getResource("/fixtures/" + state).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("no fixture " + state, e);
    }
    List<ServerObservation> servers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        servers.add(server(JSON.readTree(f.toFile())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ClusterSnapshot(state, at, Duration.ofMillis(10), servers);
  }

  private static ServerObservation server(JsonNode n) {
    Map<String, EndpointResult> answers = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.path("endpoints").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode r = e.getValue();
      answers.put(e.getKey(), r.has("status")
          ? new EndpointResult.Answer(r.path("status").asInt(), r.path("body").asText())
          : new EndpointResult.Failure(Reachability.valueOf(r.path("reachability").asText("ERROR")), r.path("error").asText()));
    }
    return ObservationParser.parse(n.path("name").asText(), URI.create(n.path("httpAddress").asText()), answers);
  }
}
