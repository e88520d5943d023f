package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LeaderRead} with java.net.http: GET /v1/catalog/nodes?consistent on each server in turn until one
 * answers 200. Uses the JDK's default trust store (no custom CA or client certificate).
 */
public final class HttpLeaderRead implements LeaderRead {
  /** The path read; consistent mode makes the leader confirm its leadership. */
  public static final String PATH = "/v1/catalog/nodes?consistent";
  private final HttpClient client;

  /** A reader with its own HTTP client. */
  public HttpLeaderRead() {
    this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public Result read(ClusterConfig cluster) {
    List<String> failures = new ArrayList<>();
    for (ServerConfig server : cluster.servers()) {
      URI uri = URI.create(stripSlash(server.httpAddress().toString()) + PATH);
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(cluster.requestTimeout()).GET();
      cluster.aclToken().ifPresent(t -> request.header("X-Consul-Token", t.value()));
      try {
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return new Result(true, server.name() + " answered a consistent read (" + response.body().length()
              + " bytes)");
        }
        failures.add(server.name() + ": HTTP " + response.statusCode() + " " + firstLine(response.body()));
      } catch (IOException e) {
        failures.add(server.name() + ": " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : " " + e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Result(false, "interrupted");
      }
    }
    return new Result(false, String.join("; ", failures));
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static String firstLine(String body) {
    String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
