package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.config.Secret;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StatusServerTest {
  private static final Secret TOKEN = new Secret("file:/etc/consul-watchdog/control.token", "c0ntrol-t0ken");
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private StatusServer server;

  private final StatusServer.Source source = new StatusServer.Source() {
    @Override
    public StatusServer.Reply health() {
      return new StatusServer.Reply(503, Map.of("status", "DOWN"));
    }

    @Override
    public StatusServer.Reply ready() {
      return new StatusServer.Reply(200, Map.of("ready", true));
    }

    @Override
    public StatusServer.Reply status() {
      return new StatusServer.Reply(200, Map.of("clusters", Map.of()));
    }

    @Override
    public StatusServer.Reply control(String cluster, String action, JsonNode body) {
      calls.add(cluster + " " + action + " " + body);
      return new StatusServer.Reply(200, Map.of("cluster", cluster, "done", action));
    }
  };

  private StatusServer start(Optional<Secret> token, Duration deadline) throws IOException {
    server = new StatusServer("127.0.0.1:0", registry, source, token, deadline);
    return server;
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body, String token) throws Exception {
    return token == null ? send("POST", path, body) : send("POST", path, body, "Authorization", "Bearer " + token);
  }

  @Test
  void readEndpointsAnswerWithTheSourcesStatusCodes() throws Exception {
    start(Optional.empty(), Duration.ofSeconds(10));
    assertThat(send("GET", "/health", null).statusCode()).isEqualTo(503);
    assertThat(send("GET", "/ready", null).statusCode()).isEqualTo(200);
    HttpResponse<String> status = send("GET", "/status", null);
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(send("GET", "/metrics", null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/nothing", null).statusCode()).isEqualTo(404);
    HttpResponse<String> post = send("POST", "/status", "{}");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
  }

  @Test
  void withoutAControlTokenFileTheControlEndpointsAnswer405WithAMessage() throws Exception {
    start(Optional.empty(), Duration.ofSeconds(10));
    HttpResponse<String> r = post("/clusters/dc1/pause", "{\"for\":\"2h\"}", "anything");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.body()).contains("control endpoints are off").contains("control_token_file");
    assertThat(calls).isEmpty();
  }

  @Test
  void controlNeedsTheBearerTokenAndPost() throws Exception {
    start(Optional.of(TOKEN), Duration.ofSeconds(10));
    HttpResponse<String> none = post("/clusters/dc1/pause", "{}", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(post("/clusters/dc1/pause", "{}", "c0ntrol-t0ke").statusCode()).isEqualTo(401);
    assertThat(post("/clusters/dc1/pause", "{}", "c0ntrol-t0ken-and-more").statusCode()).isEqualTo(401);
    assertThat(send("GET", "/clusters/dc1/pause", null, "Authorization", "Bearer c0ntrol-t0ken").statusCode())
        .isEqualTo(405);
    assertThat(calls).isEmpty();

    HttpResponse<String> ok = post("/clusters/dc1/pause", "{\"for\":\"2h\",\"reason\":\"disks\"}", "c0ntrol-t0ken");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    assertThat(ok.body()).contains("\"done\" : \"pause\"");
    assertThat(post("/clusters/dc1/resume", null, "c0ntrol-t0ken").statusCode()).isEqualTo(200);
    assertThat(calls).containsExactly("dc1 pause {\"for\":\"2h\",\"reason\":\"disks\"}", "dc1 resume {}");

    server.controlToken(Optional.empty());
    assertThat(post("/clusters/dc1/resume", null, "c0ntrol-t0ken").statusCode()).as("turned off by a reload")
        .isEqualTo(405);
  }

  @Test
  void bodiesAreBoundedInSizeAndMustBeJsonObjects() throws Exception {
    start(Optional.of(TOKEN), Duration.ofSeconds(10));
    String big = "{\"reason\":\"" + "x".repeat(StatusServer.MAX_BODY) + "\"}";
    HttpResponse<String> tooBig = post("/clusters/dc1/pause", big, "c0ntrol-t0ken");
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(post("/clusters/dc1/pause", "[1,2]", "c0ntrol-t0ken").statusCode()).isEqualTo(400);
    assertThat(post("/clusters/dc1/pause", "pause please", "c0ntrol-t0ken").statusCode()).isEqualTo(400);
    assertThat(calls).isEmpty();
  }

  /** Opens a connection and sends only the start of a request, then stalls. */
  private Socket stalled(String start) throws IOException {
    Socket s = new Socket();
    sockets.add(s);
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
    s.setSoTimeout(100);
    OutputStream out = s.getOutputStream();
    out.write(start.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  /** True once the server closed the connection (end of stream or reset). */
  private static boolean closedByServer(Socket s) {
    try {
      InputStream in = s.getInputStream();
      return in.read() == -1;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Test
  void clientsThatStallWhileSendingAreCutOffAtTheDeadline() throws Exception {
    start(Optional.of(TOKEN), Duration.ofSeconds(1));
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 8; i++) { // twice the request threads
      slow.add(stalled("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    }
    slow.add(stalled("POST /clusters/dc1/pause HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer c0ntrol-t0ken\r\n"
        + "Content-Length: 100\r\n\r\n{\"for\":"));
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> slow.stream().allMatch(StatusServerTest::closedByServer));
    assertThat(send("GET", "/metrics", null).statusCode()).isEqualTo(200);
    assertThat(calls).isEmpty();
  }

  @Test
  void slowControlRequestsNeverHoldTheThreadsThatServeMetrics() throws Exception {
    start(Optional.of(TOKEN), Duration.ofSeconds(60));
    for (int i = 0; i < 6; i++) { // more than the request threads and the control threads together
      stalled("POST /clusters/dc1/pause HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer c0ntrol-t0ken\r\n"
          + "Content-Length: 100\r\n\r\n{\"for\":");
    }
    Thread.sleep(300); // let the server take them up
    for (int i = 0; i < 3; i++) {
      assertThat(send("GET", "/metrics", null).statusCode()).isEqualTo(200);
      assertThat(send("GET", "/health", null).statusCode()).isEqualTo(503);
    }
  }
}
