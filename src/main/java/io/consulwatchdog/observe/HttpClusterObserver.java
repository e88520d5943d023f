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
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.Interceptor;

/**
 * Observes a cluster over Consul's HTTP API: every endpoint of every server asked at once, each request
 * with its own timeout, so one slow server never stalls the others.
 *
 * <p>Requests are asynchronous (OkHttp's enqueue): each cluster's client runs at most one poll's worth of
 * calls at a time on threads shared by all clusters, and the polling thread only waits for the answers
 * and parses them. A request that gets no answer within its timeout, counted from when the poll asked,
 * is a TIMEOUT observation like any other failure.
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

  /**
   * Idle call threads end after this long: polls at shorter intervals (5 s by default) keep reusing them,
   * and the threads a burst needed (e.g. the slow first polls of many clusters) do not linger.
   */
  private static final Duration IDLE_THREAD_LIFE = Duration.ofSeconds(10);

  private final Clock clock;
  private final HostResolver resolver;
  private final List<Interceptor> interceptors;
  private final ExecutorService callThreads;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  /** A cluster's HTTP client, made for the cluster's settings at the time (servers, timeout, token, TLS). */
  private record Client(ClusterConfig cluster, ConsulHttp http) {}

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
    // As many threads as calls in flight (each client bounds its own), created on demand and shared.
    this.callThreads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_THREAD_LIFE.toSeconds(), TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "consul-http");
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public ClusterSnapshot observe(ClusterConfig cluster) {
    Instant start = clock.instant();
    long startNanos = System.nanoTime();
    ConsulHttp http = client(cluster);
    List<Map<String, CompletableFuture<EndpointResult>>> asked = new ArrayList<>();
    for (ServerConfig server : cluster.servers()) {
      asked.add(ask(http, server, cluster.requestTimeout()));
    }
    long deadline = startNanos + backstop(cluster.requestTimeout()).toNanos();
    List<ServerObservation> observations = new ArrayList<>();
    for (int i = 0; i < asked.size(); i++) {
      observations.add(observation(cluster.servers().get(i), asked.get(i), deadline));
    }
    Map<String, List<String>> addresses = new LinkedHashMap<>();
    cluster.servers().forEach(s -> addresses.put(s.name(), resolver.addressesOf(s.httpAddress().getHost())));
    Set<String> refused = RaftPortProbe.refused(observations, RAFT_PORT_PROBE_TIMEOUT, callThreads);
    return new ClusterSnapshot(cluster.name(), start, startNanos, Duration.ofNanos(System.nanoTime() - startNanos),
        observations, addresses, refused);
  }

  /** The cluster's client, made again when the cluster's settings changed (e.g. a lab server was added). */
  private ConsulHttp client(ClusterConfig cluster) {
    return clients.compute(cluster.name(), (name, old) -> {
      if (old != null && old.cluster().equals(cluster)) {
        return old;
      }
      if (old != null) {
        old.http().close();
      }
      return new Client(cluster, new ConsulHttp(cluster, resolver, interceptors, callThreads));
    }).http();
  }

  /** Sends every endpoint's request to one server; the answers arrive later. */
  private static Map<String, CompletableFuture<EndpointResult>> ask(ConsulHttp http, ServerConfig server,
      Duration timeout) {
    Map<String, CompletableFuture<EndpointResult>> calls = new LinkedHashMap<>();
    for (String endpoint : Endpoints.ALL) {
      Duration own = endpoint.equals(Endpoints.RAFT_CONFIGURATION) && timeout.compareTo(STALE_READ_TIMEOUT) > 0
          ? STALE_READ_TIMEOUT : null;
      calls.put(endpoint, http.getAsync(server.httpAddress(), endpoint, own));
    }
    return calls;
  }

  /** Waits for one server's answers (each request completes by its own timeout) and parses them. */
  private static ServerObservation observation(ServerConfig server,
      Map<String, CompletableFuture<EndpointResult>> calls, long deadlineNanos) {
    Map<String, EndpointResult> answers = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, CompletableFuture<EndpointResult>> call : calls.entrySet()) {
        long left = Math.max(0, deadlineNanos - System.nanoTime());
        answers.put(call.getKey(), call.getValue().get(left, TimeUnit.NANOSECONDS));
      }
    } catch (TimeoutException e) {
      calls.values().forEach(f -> f.cancel(true));
      return ServerObservation.unreachable(server.name(), server.httpAddress(), Reachability.TIMEOUT,
          "no answer by the poll's deadline");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ServerObservation.unreachable(server.name(), server.httpAddress(), Reachability.ERROR, "interrupted");
    } catch (ExecutionException e) {
      return ServerObservation.unreachable(server.name(), server.httpAddress(), Reachability.ERROR,
          "observation failed: " + e.getCause());
    }
    return ObservationParser.parse(server.name(), server.httpAddress(), answers);
  }

  /** Every request completes by its own timeout; this bound on the whole poll is only a backstop. */
  private static Duration backstop(Duration timeout) {
    return timeout.multipliedBy(2).plusSeconds(1);
  }

  @Override
  public void close() {
    clients.values().forEach(c -> c.http().close());
    callThreads.shutdownNow();
  }
}
