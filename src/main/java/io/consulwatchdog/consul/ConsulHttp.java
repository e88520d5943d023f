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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** A small HTTP client for one cluster's agents: one timeout per request, failures returned as data. */
public final class ConsulHttp implements AutoCloseable {
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final OkHttpClient client;
  private final Optional<Secret> token;

  /** Creates a client with the cluster's request timeout, ACL token and TLS settings. */
  public ConsulHttp(ClusterConfig cluster) {
    this(cluster.requestTimeout(), cluster.aclToken(), cluster.tls());
  }

  /** Creates a client with explicit settings. */
  public ConsulHttp(Duration timeout, Optional<Secret> token, TlsConfig tls) {
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .callTimeout(timeout)
        .connectTimeout(timeout)
        .readTimeout(timeout)
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .connectionPool(new ConnectionPool(4, 30, java.util.concurrent.TimeUnit.SECONDS));
    configureTls(b, tls);
    this.client = b.build();
    this.token = token;
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
        .put(okhttp3.RequestBody.create(body.getBytes(StandardCharsets.UTF_8))), null);
  }

  /** Sends one request with the token; maps every failure onto a {@link Reachability}. */
  private EndpointResult execute(Request.Builder request, Duration timeout) {
    token.ifPresent(t -> request.header("X-Consul-Token", t.value()));
    okhttp3.Call call = client.newCall(request.build());
    if (timeout != null) {
      call.timeout().timeout(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    try (Response response = call.execute()) {
      ResponseBody body = response.body();
      String text = body == null ? "" : new String(body.byteStream().readNBytes(MAX_BODY), StandardCharsets.UTF_8);
      return new EndpointResult.Answer(response.code(), text);
    } catch (ConnectException | NoRouteToHostException e) {
      return new EndpointResult.Failure(Reachability.REFUSED, "connection refused: " + e.getMessage());
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
