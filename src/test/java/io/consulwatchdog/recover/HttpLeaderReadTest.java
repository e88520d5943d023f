package io.consulwatchdog.recover;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.consulwatchdog.Fixtures;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpLeaderReadTest {
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  /** A fake agent on 127.0.0.1 answering the consistent read with a status and body. */
  private ServerConfig agent(String name, int status, String body) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/catalog/nodes", exchange -> {
      seen.add(name + " " + exchange.getRequestURI() + " token=" + exchange.getRequestHeaders().getFirst("X-Consul-Token"));
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
    servers.add(server);
    return new ServerConfig(name, URI.create("http://127.0.0.1:" + server.getAddress().getPort()), Optional.empty(),
        new NoExecutorConfig());
  }

  private static ClusterConfig cluster(List<ServerConfig> servers) {
    return new ClusterConfig("dc1", servers, List.of(), Duration.ofSeconds(1), Duration.ofSeconds(2),
        Optional.of(new Secret("test", "tok-123")), TlsConfig.defaults(),
        Fixtures.recovery(RecoveryMode.AUTO, List.of()));
  }

  @Test
  void succeedsOnTheFirstServerThatAnswersTheConsistentRead() throws Exception {
    ClusterConfig c = cluster(List.of(agent("s1", 500, "No cluster leader"), agent("s2", 200, "[{\"Node\":\"s2\"}]")));
    LeaderRead.Result r = new HttpLeaderRead().read(c);
    assertThat(r.ok()).isTrue();
    assertThat(r.detail()).isEqualTo("s2 answered a consistent read (15 bytes)");
    assertThat(seen).containsExactly("s1 /v1/catalog/nodes?consistent token=tok-123",
        "s2 /v1/catalog/nodes?consistent token=tok-123");
  }

  @Test
  void failsWithEachServersAnswerWhenNoneCanRead() throws Exception {
    ServerConfig gone = new ServerConfig("s3", URI.create("http://127.0.0.1:1"), Optional.empty(),
        new NoExecutorConfig());
    LeaderRead.Result r = new HttpLeaderRead().read(cluster(List.of(agent("s1", 500, "No cluster leader"), gone)));
    assertThat(r.ok()).isFalse();
    assertThat(r.detail()).startsWith("s1: HTTP 500 No cluster leader; s3: connection refused");
  }
}
