package io.consulwatchdog.observe;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.consul.HostResolver;
import io.consulwatchdog.consul.Reachability;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.Interceptor;

/**
 * Observes a cluster over Consul's HTTP API: every server and every endpoint asked in parallel, each
 * request with its own timeout, so one slow server never stalls the others.
 */
public final class HttpClusterObserver implements ClusterObserver {
  /**
   * Timeout of the stale raft-configuration read. Without a leader, Consul holds this request until its
   * rpc_hold_timeout (7 s) and then answers 500; a live server answers it in milliseconds. The same
   * configuration is in agent/self's Stats.raft.latest_configuration, which the parser falls back to,
   * so a stuck cluster's poll is not slowed down to the request timeout by this one endpoint.
   */
  static final Duration STALE_READ_TIMEOUT = Duration.ofMillis(500);
  /** Bound of the connect to the raft port of a server only gossip knows (see {@link RaftPortProbe}). */
  static final Duration RAFT_PORT_PROBE_TIMEOUT = Duration.ofMillis(500);

  private final Clock clock;
  private final HostResolver resolver;
  private final List<Interceptor> interceptors;
  private final ExecutorService pool;
  private final Map<String, ConsulHttp> clients = new ConcurrentHashMap<>();

  /** Creates an observer that reads time from the given clock and resolves hosts with the system's resolver. */
  public HttpClusterObserver(Clock clock) {
    this(clock, HostResolver.system(), List.of());
  }

  /**
   * Creates an observer with its own host resolver (used both to connect and to report each server's
   * addresses) and request interceptors (e.g. a test that makes one endpoint fail on a real Consul).
   */
  public HttpClusterObserver(Clock clock, HostResolver resolver, List<Interceptor> interceptors) {
    this.clock = clock;
    this.resolver = resolver;
    this.interceptors = List.copyOf(interceptors);
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "observer");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public ClusterSnapshot observe(ClusterConfig cluster) {
    Instant start = clock.instant();
    long startNanos = System.nanoTime();
    ConsulHttp http = clients.computeIfAbsent(cluster.name(), n -> new ConsulHttp(cluster, resolver, interceptors));
    List<CompletableFuture<ServerObservation>> futures = new ArrayList<>();
    for (ServerConfig server : cluster.servers()) {
      futures.add(observeServer(http, server, cluster.requestTimeout()));
    }
    List<ServerObservation> observations = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      observations.add(join(futures.get(i), cluster.servers().get(i), cluster.requestTimeout()));
    }
    Map<String, List<String>> addresses = new LinkedHashMap<>();
    cluster.servers().forEach(s -> addresses.put(s.name(), resolver.addressesOf(s.httpAddress().getHost())));
    Set<String> refused = RaftPortProbe.refused(observations, RAFT_PORT_PROBE_TIMEOUT, pool);
    return new ClusterSnapshot(cluster.name(), start, startNanos, Duration.ofNanos(System.nanoTime() - startNanos),
        observations, addresses, refused);
  }

  private CompletableFuture<ServerObservation> observeServer(ConsulHttp http, ServerConfig server, Duration timeout) {
    Map<String, CompletableFuture<EndpointResult>> calls = new LinkedHashMap<>();
    for (String endpoint : Endpoints.ALL) {
      Duration own = endpoint.equals(Endpoints.RAFT_CONFIGURATION) && timeout.compareTo(STALE_READ_TIMEOUT) > 0
          ? STALE_READ_TIMEOUT : null;
      calls.put(endpoint, CompletableFuture.supplyAsync(() -> http.get(server.httpAddress(), endpoint, own), pool));
    }
    return CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
      Map<String, EndpointResult> answers = new LinkedHashMap<>();
      calls.forEach((endpoint, f) -> answers.put(endpoint, f.join()));
      return ObservationParser.parse(server.name(), server.httpAddress(), answers);
    });
  }

  private static ServerObservation join(CompletableFuture<ServerObservation> f, ServerConfig server, Duration timeout) {
    try {
      // The HTTP client enforces the timeout per request; this bound is a backstop.
      return f.get(timeout.toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return ServerObservation.unreachable(server.name(), server.httpAddress(), Reachability.TIMEOUT,
          "no answer within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ServerObservation.unreachable(server.name(), server.httpAddress(), Reachability.ERROR, "interrupted");
    } catch (ExecutionException e) {
      return ServerObservation.unreachable(server.name(), server.httpAddress(), Reachability.ERROR,
          "observation failed: " + e.getCause());
    }
  }

  @Override
  public void close() {
    clients.values().forEach(ConsulHttp::close);
    pool.shutdownNow();
  }
}
