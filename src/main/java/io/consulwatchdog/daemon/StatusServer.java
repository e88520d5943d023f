package io.consulwatchdog.daemon;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.json.JsonMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP listener: GET /metrics (Prometheus), /health (liveness), /ready, /status (JSON), and the
 * control endpoints POST /clusters/{name}/pause|resume|ack, which need {@code Authorization: Bearer <token>}
 * (the token of control_token_file; without one they answer 405).
 *
 * <p>Slow clients are bounded: every exchange runs with a deadline (a client still sending its request or
 * reading its answer then is cut off), request bodies are read up to {@link #MAX_BODY} bytes, and the control
 * endpoints run on threads of their own, so neither they nor a slow client can keep /metrics waiting longer
 * than one deadline.
 */
public final class StatusServer implements AutoCloseable {
  /** Largest request body accepted (larger: 413). */
  public static final int MAX_BODY = 4096;
  /** Longest an exchange may take, from its first request byte to its last response byte. */
  public static final Duration EXCHANGE_DEADLINE = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
  private static final Pattern CONTROL = Pattern.compile("/clusters/([^/]+)/(pause|resume|ack)");
  private static final ObjectMapper JSON = JsonMapper.pretty();

  /** What the server asks the daemon for. */
  public interface Source {
    /** Liveness: 200 while every cluster's loop makes progress, 503 otherwise. */
    Reply health();

    /** Readiness: 200 once every cluster was polled once, 503 before. */
    Reply ready();

    /** Every cluster's status. */
    Reply status();

    /** Runs a control action (pause, resume, ack) on a cluster with the request's JSON body (an object). */
    Reply control(String cluster, String action, JsonNode body);
  }

  /**
   * An answer.
   *
   * @param status the HTTP status
   * @param body written as JSON
   */
  public record Reply(int status, Object body) {
    /** An error answer: {"error": message}. */
    public static Reply error(int status, String message) {
      return new Reply(status, Map.of("error", message));
    }
  }

  private final HttpServer server;
  private final DeadlineExecutor requests;
  private final DeadlineExecutor control;
  private volatile Optional<Secret> controlToken;

  /** Binds host:port and starts serving. */
  public StatusServer(String listenAddress, PrometheusMeterRegistry registry, Source source,
      Optional<Secret> controlToken) throws IOException {
    this(listenAddress, registry, source, controlToken, EXCHANGE_DEADLINE);
  }

  /** The same with another exchange deadline (tests). */
  StatusServer(String listenAddress, PrometheusMeterRegistry registry, Source source, Optional<Secret> controlToken,
      Duration deadline) throws IOException {
    int colon = listenAddress.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(listenAddress.substring(0, colon),
        Integer.parseInt(listenAddress.substring(colon + 1)));
    this.controlToken = controlToken;
    this.requests = new DeadlineExecutor("status-http", 4, deadline);
    this.control = new DeadlineExecutor("control-http", 2, deadline);
    server = HttpServer.create(address, 32);
    server.createContext("/", ex -> route(ex, registry, source));
    server.setExecutor(requests);
    server.start();
  }

  /** A listener that serves /metrics only (the others answer 404), for the demo. */
  public static StatusServer metricsOnly(String listenAddress, PrometheusMeterRegistry registry) throws IOException {
    Reply none = Reply.error(404, "this listener serves /metrics only");
    return new StatusServer(listenAddress, registry, new Source() {
      @Override
      public Reply health() {
        return none;
      }

      @Override
      public Reply ready() {
        return none;
      }

      @Override
      public Reply status() {
        return none;
      }

      @Override
      public Reply control(String cluster, String action, JsonNode body) {
        return none;
      }
    }, Optional.empty());
  }

  /** The bound port (useful when configured with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Replaces the control token (a reload re-read control_token_file); empty turns the control endpoints off. */
  public void controlToken(Optional<Secret> token) {
    this.controlToken = token;
  }

  private void route(HttpExchange ex, PrometheusMeterRegistry registry, Source source) throws IOException {
    String path = ex.getRequestURI().getPath();
    Matcher action = CONTROL.matcher(path);
    if (action.matches()) {
      control.execute(() -> controlExchange(ex, source, action.group(1), action.group(2)));
      return;
    }
    try (ex) {
      if (!path.equals("/metrics") && !path.equals("/health") && !path.equals("/ready") && !path.equals("/status")) {
        respond(ex, Reply.error(404, "no such endpoint; try /metrics, /health, /ready, /status or POST "
            + "/clusters/NAME/pause|resume|ack"));
        return;
      }
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(ex, Reply.error(405, path + " answers GET"));
        return;
      }
      switch (path) {
        case "/metrics" -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
        case "/health" -> respond(ex, source.health());
        case "/ready" -> respond(ex, source.ready());
        default -> respond(ex, source.status());
      }
    }
  }

  private void controlExchange(HttpExchange ex, Source source, String cluster, String action) {
    try (ex) {
      if (!ex.getRequestMethod().equals("POST")) {
        ex.getResponseHeaders().set("Allow", "POST");
        respond(ex, Reply.error(405, "/clusters/" + cluster + "/" + action + " answers POST"));
        return;
      }
      Optional<Secret> token = controlToken;
      if (token.isEmpty()) {
        respond(ex, Reply.error(405, "the control endpoints are off: set control_token_file in the config "
            + "(a file holding the bearer token) and reload"));
        return;
      }
      if (!authorized(ex, token.get())) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        respond(ex, Reply.error(401, "missing or wrong bearer token (Authorization: Bearer <the token of "
            + "control_token_file>)"));
        return;
      }
      Optional<JsonNode> body = readBody(ex);
      if (body.isEmpty()) {
        return; // answered
      }
      respond(ex, source.control(cluster, action, body.get()));
    } catch (IOException | RuntimeException e) {
      log.warn("control request {} {} ended: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString());
    }
  }

  private static boolean authorized(HttpExchange ex, Secret token) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.value().getBytes(StandardCharsets.UTF_8));
  }

  /** The request body as a JSON object ({} when empty); empty after answering 413 or 400. */
  private static Optional<JsonNode> readBody(HttpExchange ex) throws IOException {
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > MAX_BODY) {
      respond(ex, Reply.error(413, "request body larger than " + MAX_BODY + " bytes"));
      return Optional.empty();
    }
    byte[] bytes;
    try (InputStream in = ex.getRequestBody()) {
      bytes = in.readNBytes(MAX_BODY + 1);
    }
    if (bytes.length > MAX_BODY) {
      respond(ex, Reply.error(413, "request body larger than " + MAX_BODY + " bytes"));
      return Optional.empty();
    }
    if (bytes.length == 0) {
      return Optional.of(JsonNodeFactory.instance.objectNode());
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node != null && node.isObject()) {
        return Optional.of(node);
      }
    } catch (JacksonException e) {
      // answered below
    }
    respond(ex, Reply.error(400, "the request body must be a JSON object"));
    return Optional.empty();
  }

  private static void respond(HttpExchange ex, Reply reply) throws IOException {
    respond(ex, reply.status(), "application/json", JSON.writeValueAsString(reply.body()) + "\n");
  }

  private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    requests.close();
    control.close();
  }
}
