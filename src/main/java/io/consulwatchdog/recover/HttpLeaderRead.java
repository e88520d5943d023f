package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.HostResolver;
import io.consulwatchdog.plan.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link LeaderRead} over the cluster's own HTTP settings (timeout, ACL token, TLS): GET
 * /v1/catalog/nodes?consistent on each server in turn until one answers 200.
 */
public final class HttpLeaderRead implements LeaderRead {
  /** The path read; consistent mode makes the leader confirm its leadership with a quorum. */
  public static final String PATH = "/v1/catalog/nodes?consistent";

  private final HostResolver resolver;

  /** Reads through the system's resolver. */
  public HttpLeaderRead() {
    this(HostResolver.system());
  }

  /** Reads through the given resolver (the one the observer uses). */
  public HttpLeaderRead(HostResolver resolver) {
    this.resolver = resolver;
  }

  @Override
  public Result read(ClusterConfig cluster) {
    List<String> failures = new ArrayList<>();
    try (ConsulHttp http = new ConsulHttp(cluster, resolver, List.of())) {
      for (ServerConfig server : cluster.servers()) {
        EndpointResult result = http.get(server.httpAddress(), PATH);
        if (result instanceof EndpointResult.Answer a && a.status() == 200) {
          return new Result(true, server.name() + " answered a consistent read (" + a.body().length() + " bytes)");
        }
        failures.add(server.name() + ": " + (result instanceof EndpointResult.Answer a
            ? "HTTP " + a.status() + " " + firstLine(a.body())
            : ((EndpointResult.Failure) result).message()));
      }
    }
    return new Result(false, String.join("; ", failures));
  }

  @Override
  public Result writeAndRead(ClusterConfig cluster, String key) {
    String value = "written by consul-watchdog at " + Instant.now();
    List<String> failures = new ArrayList<>();
    try (ConsulHttp http = new ConsulHttp(cluster, resolver, List.of())) {
      for (ServerConfig server : cluster.servers()) {
        EndpointResult put = http.put(server.httpAddress(), "/v1/kv/" + key, value);
        if (put instanceof EndpointResult.Answer a && a.status() == 403) {
          Result read = read(cluster);
          return new Result(read.ok(), "the token may not write " + key + " (403: grant key_prefix \""
              + Step.VERIFY_KEY_PREFIX + "\" write, see the README's ACL policy); a consistent read instead: "
              + read.detail());
        }
        if (!(put instanceof EndpointResult.Answer a && a.status() == 200)) {
          failures.add(server.name() + ": write " + describe(put));
          continue;
        }
        EndpointResult got = http.get(server.httpAddress(), "/v1/kv/" + key + "?consistent&raw");
        if (!(got instanceof EndpointResult.Answer g && g.status() == 200 && g.body().equals(value))) {
          failures.add(server.name() + ": consistent read back " + describe(got));
          continue;
        }
        http.delete(server.httpAddress(), "/v1/kv/" + key);
        return new Result(true, server.name() + " wrote " + key + " and read it back with ?consistent");
      }
    }
    return new Result(false, String.join("; ", failures));
  }

  private static String describe(EndpointResult r) {
    return r instanceof EndpointResult.Answer a ? "HTTP " + a.status() + " " + firstLine(a.body())
        : ((EndpointResult.Failure) r).message();
  }

  private static String firstLine(String body) {
    String line = body == null ? "" : body.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
