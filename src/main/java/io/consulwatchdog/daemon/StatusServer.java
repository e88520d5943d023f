package io.consulwatchdog.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.consulwatchdog.json.JsonMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** Serves /metrics (Prometheus text format) and /health (the watchdog's own status, JSON). */
public final class StatusServer implements AutoCloseable {
  private final HttpServer server;

  /** Binds host:port and starts serving; health() supplies the /health body. */
  public StatusServer(String listenAddress, PrometheusMeterRegistry registry, Supplier<Map<String, Object>> health)
      throws IOException {
    int colon = listenAddress.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(listenAddress.substring(0, colon),
        Integer.parseInt(listenAddress.substring(colon + 1)));
    ObjectMapper json = JsonMapper.pretty();
    server = HttpServer.create(address, 16);
    server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
        registry.scrape()));
    server.createContext("/health", ex -> respond(ex, 200, "application/json", json.writeValueAsString(health.get())));
    server.createContext("/", ex -> respond(ex, 404, "text/plain", "try /metrics or /health\n"));
    server.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "status-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /** The bound port (useful when configured with port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
