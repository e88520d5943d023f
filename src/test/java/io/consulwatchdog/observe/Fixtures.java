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
import java.util.Set;
import java.util.stream.Stream;

/** Loads the snapshots captured from real Consul 1.8.7 servers (src/test/resources/fixtures/STATE). */
public final class Fixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {}

  /** The snapshot of one captured state, parsed exactly as a live poll would be. */
  public static ClusterSnapshot snapshot(String state, Instant at) {
    return snapshot(state, at, false, Set.of());
  }

  /**
   * The snapshot of a captured state as a watchdog would have seen it with each server configured by a
   * host name (http://NAME.dc1.example:PORT, not resolved), and with the given endpoints failing (timed out).
   */
  public static ClusterSnapshot snapshot(String state, Instant at, boolean hostNames, Set<String> failing) {
    Path dir;
    try {
      dir = Path.of(Fixtures.class.getResource("/fixtures/" + state).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("no fixture " + state, e);
    }
    List<ServerObservation> servers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        servers.add(server(JSON.readTree(f.toFile()), hostNames, failing));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ClusterSnapshot(state, at, Duration.ofMillis(10), servers);
  }

  private static ServerObservation server(JsonNode n, boolean hostNames, Set<String> failing) {
    Map<String, EndpointResult> answers = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.path("endpoints").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode r = e.getValue();
      if (failing.contains(e.getKey())) {
        answers.put(e.getKey(), new EndpointResult.Failure(Reachability.TIMEOUT, "timed out (made to fail)"));
        continue;
      }
      answers.put(e.getKey(), r.has("status")
          ? new EndpointResult.Answer(r.path("status").asInt(), r.path("body").asText())
          : new EndpointResult.Failure(Reachability.valueOf(r.path("reachability").asText("ERROR")), r.path("error").asText()));
    }
    URI address = URI.create(n.path("httpAddress").asText());
    if (hostNames) {
      address = URI.create(address.getScheme() + "://" + n.path("name").asText() + ".dc1.example:" + address.getPort());
    }
    return ObservationParser.parse(n.path("name").asText(), address, answers);
  }
}
