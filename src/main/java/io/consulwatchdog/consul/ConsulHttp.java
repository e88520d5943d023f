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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** A small HTTP client for one cluster's agents: one timeout per request, failures returned as data. */
public final class ConsulHttp implements AutoCloseable {
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final OkHttpClient client;
  /** The token for a request path (the agent token for /v1/agent/ when one is set). */
  private final Function<String, Optional<Secret>> tokens;

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

  /** Creates a client with explicit settings, one token for every path, and the system's resolver. */
  public ConsulHttp(Duration timeout, Optional<Secret> token, TlsConfig tls) {
    this(timeout, path -> token, tls, HostResolver.system(), List.of());
  }

  private ConsulHttp(Duration timeout, Function<String, Optional<Secret>> tokens, TlsConfig tls,
      HostResolver resolver, List<Interceptor> interceptors) {
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .dns(resolver::resolve)
        .callTimeout(timeout)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .connectionPool(new ConnectionPool(4, 30, TimeUnit.SECONDS));
    interceptors.forEach(b::addInterceptor);
    configureTls(b, tls);
    this.client = b.build();
    this.tokens = tokens;
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

  /** Sends one request with the token; maps every failure onto a {@link Reachability}. */
  private EndpointResult execute(Request.Builder builder, Duration timeout) {
    Request request = builder.build();
    Optional<Secret> token = tokens.apply(request.url().encodedPath());
    Call call = client.newCall(token.isEmpty() ? request
        : request.newBuilder().header("X-Consul-Token", token.get().value()).build());
    if (timeout != null) {
      call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    try (Response response = call.execute()) {
      ResponseBody body = response.body();
      String text = body == null ? "" : new String(body.byteStream().readNBytes(MAX_BODY), StandardCharsets.UTF_8);
      return new EndpointResult.Answer(response.code(), text);
    } catch (ConnectException e) {
      // only a refusal proves the host is up with nothing listening; "no route", "network unreachable"
      // may be the watchdog's own network
      boolean refused = false;
      for (Throwable t = e; t != null && !refused; t = t.getCause()) {
        refused = String.valueOf(t.getMessage()).toLowerCase().contains("refused");
      }
      return new EndpointResult.Failure(refused ? Reachability.REFUSED : Reachability.ERROR,
          (refused ? "connection refused: " : "cannot connect: ") + e.getMessage());
    } catch (NoRouteToHostException e) {
      return new EndpointResult.Failure(Reachability.ERROR, "no route to host: " + e.getMessage());
    } catch (InterruptedIOException e) { // SocketTimeoutException and OkHttp's call timeout
      return new EndpointResult.Failure(Reachability.TIMEOUT, "timed out: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      return new EndpointResult.Failure(Reachability.ERROR, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
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
