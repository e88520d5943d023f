package io.consulwatchdog.consul;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.config.TlsFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** A small HTTP client for one cluster's agents: one timeout per request, failures returned as data. */
public final class ConsulHttp implements AutoCloseable {
  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final int DEFAULT_IDLE_CONNECTIONS = 4;
  /** Idle connections are kept this long: longer than any sensible poll interval, so polls reuse them. */
  private static final Duration IDLE_CONNECTION_LIFE = Duration.ofMinutes(5);

  private final OkHttpClient client;
  private final Duration timeout;
  /** The token for a request path (the agent token for /v1/agent/ when one is set). */
  private final Function<String, Optional<Secret>> tokens;
  private final boolean ownsThreads;

  /** Creates a client with the cluster's request timeout, ACL token and TLS settings. */
  public ConsulHttp(ClusterConfig cluster) {
    this(cluster, HostResolver.system(), List.of());
  }

  /**
   * Creates a client for a cluster that resolves host names with the given resolver and passes every
   * request through the given interceptors (in order) before it reaches the agent.
   */
  public ConsulHttp(ClusterConfig cluster, HostResolver resolver, List<Interceptor> interceptors) {
    this(cluster.requestTimeout(), cluster::tokenFor, cluster.tls(), resolver, interceptors);
  }

  /**
   * Creates a client for polling one cluster: its asynchronous calls run on the given shared threads,
   * at most one poll's worth at a time (every endpoint of every server), and one poll's connections are
   * kept open for the next.
   */
  public ConsulHttp(ClusterConfig cluster, HostResolver resolver, List<Interceptor> interceptors,
      ExecutorService callThreads) {
    this(cluster.requestTimeout(), cluster::tokenFor, cluster.tls(), resolver, interceptors, Optional.of(callThreads),
        cluster.servers().size() * Endpoints.ALL.size());
  }

  /** Creates a client with explicit settings, one token for every path, and the system's resolver. */
  public ConsulHttp(Duration timeout, Optional<Secret> token, TlsConfig tls) {
    this(timeout, path -> token, tls, HostResolver.system(), List.of());
  }

  private ConsulHttp(Duration timeout, Function<String, Optional<Secret>> tokens, TlsConfig tls,
      HostResolver resolver, List<Interceptor> interceptors) {
    this(timeout, tokens, tls, resolver, interceptors, Optional.empty(), DEFAULT_IDLE_CONNECTIONS);
  }

  private ConsulHttp(Duration timeout, Function<String, Optional<Secret>> tokens, TlsConfig tls,
      HostResolver resolver, List<Interceptor> interceptors, Optional<ExecutorService> callThreads, int parallelCalls) {
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .dns(resolver::resolve)
        .callTimeout(timeout)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        // A polling client (GETs only) keeps its connections between polls: a request on one the agent
        // closed meanwhile (it died, or dropped an idle connection) is retried once on a new connection, so
        // a dead agent is seen as refused, not as a broken stream.
        .retryOnConnectionFailure(callThreads.isPresent())
        .followRedirects(false)
        .connectionPool(new ConnectionPool(parallelCalls, IDLE_CONNECTION_LIFE.toSeconds(), TimeUnit.SECONDS));
    callThreads.ifPresent(threads -> b.dispatcher(boundedDispatcher(threads, parallelCalls)));
    interceptors.forEach(b::addInterceptor);
    configureTls(b, tls);
    this.client = b.build();
    this.timeout = timeout;
    this.tokens = tokens;
    this.ownsThreads = callThreads.isEmpty();
  }

  /**
   * A dispatcher that runs up to parallelCalls calls at once on the shared threads, however many agents
   * share a host (several agents on one machine must not wait for each other).
   */
  private static Dispatcher boundedDispatcher(ExecutorService threads, int parallelCalls) {
    Dispatcher d = new Dispatcher(threads);
    d.setMaxRequests(parallelCalls);
    d.setMaxRequestsPerHost(parallelCalls);
    return d;
  }

  /** GETs one path (e.g. /v1/status/leader) from an agent; never throws. */
  public EndpointResult get(URI agent, String pathAndQuery) {
    return get(agent, pathAndQuery, null);
  }

  /** GETs one path with a shorter timeout than the client's (null keeps the client's); never throws. */
  public EndpointResult get(URI agent, String pathAndQuery, Duration timeout) {
    return execute(new Request.Builder().url(agent.toString() + pathAndQuery).get(), timeout);
  }

  /** PUTs a body to a path and returns the answer; never throws. */
  public EndpointResult put(URI agent, String pathAndQuery, String body) {
    return execute(new Request.Builder().url(agent.toString() + pathAndQuery)
        .put(RequestBody.create(body.getBytes(StandardCharsets.UTF_8))), null);
  }

  /** POSTs a JSON body to a path and returns the answer; never throws. */
  public EndpointResult post(URI agent, String pathAndQuery, String json) {
    return execute(new Request.Builder().url(agent.toString() + pathAndQuery)
        .post(RequestBody.create(json.getBytes(StandardCharsets.UTF_8))), null);
  }

  /** DELETEs a path and returns the answer; never throws. */
  public EndpointResult delete(URI agent, String pathAndQuery) {
    return execute(new Request.Builder().url(agent.toString() + pathAndQuery).delete(), null);
  }

  /**
   * GETs one path without holding the caller's thread. The future completes with the answer or the
   * failure, never exceptionally, and at the latest when the timeout (null: the client's) has passed
   * since this call, however long the request waited for a connection or a thread.
   */
  public CompletableFuture<EndpointResult> getAsync(URI agent, String pathAndQuery, Duration timeout) {
    Call call = newCall(new Request.Builder().url(agent.toString() + pathAndQuery).get(), timeout);
    CompletableFuture<EndpointResult> result = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          result.complete(read(response));
        } catch (IOException | RuntimeException e) {
          result.complete(failure(e));
        }
      }

      @Override
      public void onFailure(Call c, IOException e) {
        result.complete(failure(e));
      }
    });
    long limit = (timeout == null ? this.timeout : timeout).toMillis();
    EndpointResult timedOut = new EndpointResult.Failure(Reachability.TIMEOUT, "no answer within " + limit + " ms");
    result.completeOnTimeout(timedOut, limit, TimeUnit.MILLISECONDS);
    result.thenAccept(r -> {
      if (r == timedOut) {
        call.cancel(); // frees the connection and the thread of a call still under way
      }
    });
    return result;
  }

  /** Sends one request with the token on the caller's thread; maps every failure onto a {@link Reachability}. */
  private EndpointResult execute(Request.Builder request, Duration timeout) {
    try (Response response = newCall(request, timeout).execute()) {
      return read(response);
    } catch (IOException | RuntimeException e) {
      return failure(e);
    }
  }

  /** A call with the path's token and, when given, its own timeout. */
  private Call newCall(Request.Builder builder, Duration timeout) {
    Request request = builder.build();
    Optional<Secret> token = tokens.apply(request.url().encodedPath());
    Call call = client.newCall(token.isEmpty() ? request
        : request.newBuilder().header("X-Consul-Token", token.get().value()).build());
    if (timeout != null) {
      call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return call;
  }

  private static EndpointResult read(Response response) throws IOException {
    ResponseBody body = response.body();
    String text = body == null ? "" : new String(body.byteStream().readNBytes(MAX_BODY), StandardCharsets.UTF_8);
    return new EndpointResult.Answer(response.code(), text);
  }

  /** What a request that got no answer tells: refused (the agent is likely down), timed out, or another error. */
  private static EndpointResult failure(Exception e) {
    if (e instanceof ConnectException) {
      // only a refusal proves the host is up with nothing listening; "no route", "network unreachable"
      // may be the watchdog's own network
      boolean refused = false;
      for (Throwable t = e; t != null && !refused; t = t.getCause()) {
        refused = String.valueOf(t.getMessage()).toLowerCase().contains("refused");
      }
      return new EndpointResult.Failure(refused ? Reachability.REFUSED : Reachability.ERROR,
          (refused ? "connection refused: " : "cannot connect: ") + e.getMessage());
    }
    if (e instanceof NoRouteToHostException) {
      return new EndpointResult.Failure(Reachability.ERROR, "no route to host: " + e.getMessage());
    }
    if (e instanceof InterruptedIOException) { // SocketTimeoutException and OkHttp's call timeout
      return new EndpointResult.Failure(Reachability.TIMEOUT, "timed out: " + e.getMessage());
    }
    return new EndpointResult.Failure(Reachability.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
  }

  @Override
  public void close() {
    if (ownsThreads) {
      client.dispatcher().executorService().shutdown();
    } else {
      client.dispatcher().cancelAll(); // the threads are shared: only this client's calls end
    }
    client.connectionPool().evictAll();
  }

  private static void configureTls(OkHttpClient.Builder b, TlsConfig tls) {
    if (!tls.skipVerify() && tls.caFile().isEmpty() && tls.certFile().isEmpty()) {
      return; // the JVM's defaults
    }
    try {
      TlsFiles.Material material = TlsFiles.load(tls);
      X509TrustManager trust = tls.skipVerify() ? TRUST_ALL : material.trustManager();
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(material.keyManagers(), new TrustManager[] {trust}, new SecureRandom());
      b.sslSocketFactory(ctx.getSocketFactory(), trust);
      if (tls.skipVerify()) {
        b.hostnameVerifier((host, session) -> true);
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot load TLS files: " + e.getMessage(), e);
    }
  }

  /** Trusts any server certificate: only for tls.skip_verify, which the config loader warns about. */
  private static final X509TrustManager TRUST_ALL = new X509TrustManager() {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  };
}
