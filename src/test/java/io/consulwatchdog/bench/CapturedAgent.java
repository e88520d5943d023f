package io.consulwatchdog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The answers one real agent gave, as captured by the lab's FixtureCapture in
 * src/test/resources/fixtures/&lt;state&gt;/&lt;server&gt;.json, keyed by path and query.
 */
public record CapturedAgent(String name, Map<String, Answer> answers) {
  private static final ObjectMapper JSON = JsonMapper.compact();

  /** Keeps an unmodifiable copy of the answers. */
  public CapturedAgent {
    answers = Map.copyOf(answers);
  }

  /** One captured answer: a status and body, or the failure the capture saw instead. */
  public record Answer(int status, String body, Optional<Reachability> failure) {}

  /** True when the capture could not connect at all (every endpoint refused): the agent was down. */
  public boolean wasDown() {
    return !answers.isEmpty()
        && answers.values().stream().allMatch(a -> a.failure().equals(Optional.of(Reachability.REFUSED)));
  }

  /** The agents of one captured state (e.g. five-healthy), in file name order. */
  public static List<CapturedAgent> state(String state) {
    URL dir = CapturedAgent.class.getResource("/fixtures/" + state);
    if (dir == null) {
      throw new IllegalArgumentException("no captured state " + state + " under /fixtures on the classpath");
    }
    List<CapturedAgent> agents = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        agents.add(load(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read captured state " + state, e);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("bad fixture location " + dir, e);
    }
    return agents;
  }

  /** Reads one fixture file. */
  public static CapturedAgent load(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    Map<String, Answer> answers = new LinkedHashMap<>();
    root.path("endpoints").fields().forEachRemaining(e -> {
      JsonNode r = e.getValue();
      answers.put(e.getKey(), r.has("status")
          ? new Answer(r.path("status").asInt(), r.path("body").asText(), Optional.empty())
          : new Answer(0, r.path("error").asText(),
              Optional.of(Reachability.valueOf(r.path("reachability").asText("ERROR")))));
    });
    return new CapturedAgent(root.path("name").asText(), answers);
  }
}
