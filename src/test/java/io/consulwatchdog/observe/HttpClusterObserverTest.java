package io.consulwatchdog.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Reachability;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shapes a real Consul cannot be made to produce (garbage, a hang, an HTTP error) from a fake HTTP
 * server; real Consul answers are covered by the lab tests and the captured fixtures.
 */
class HttpClusterObserverTest {
  private final List<HttpServer> servers = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

  @AfterEach
  void stop() {
    release.countDown();
    servers.forEach(s -> s.stop(0));
  }

  private URI serve(int status, String body, boolean hang) throws IOException {
    return serve(status, body, hang ? Duration.ofSeconds(20) : Duration.ZERO);
  }

  /** Serves the body after the delay (cut short when the test ends). */
  private URI serve(int status, String body, Duration delay) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    s.createContext("/", ex -> {
      clientPorts.add(ex.getRemoteAddress().getPort());
      if (!delay.isZero()) {
        try {
          release.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, b.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(b);
      } catch (IOException ignored) {
        // the client gave up first
      }
    });
    s.setExecutor(Executors.newCachedThreadPool());
    s.start();
    servers.add(s);
    return URI.create("http://127.0.0.1:" + s.getAddress().getPort());
  }

  private static URI closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  private static ClusterConfig cluster(Duration timeout, URI... addresses) {
    List<ServerConfig> list = new ArrayList<>();
    for (int i = 0; i < addresses.length; i++) {
      list.add(new ServerConfig("s" + (i + 1), addresses[i], Optional.empty(), new NoExecutorConfig()));
    }
    return new ClusterConfig("dc1", list, List.of(), Duration.ofSeconds(1), timeout, Optional.empty(),
        TlsConfig.defaults(), RecoveryConfig.defaults());
  }

  @Test
  void garbageErrorsRefusalsAndHangsAreRecordedNotThrown() throws IOException {
    URI garbage = serve(200, "<html>definitely not consul</html>", false);
    URI forbidden = serve(403, "Permission denied", false);
    URI hanging = serve(200, "{}", true);
    URI refused = closedPort();
    try (HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      long start = System.nanoTime();
      ClusterSnapshot s = observer.observe(cluster(Duration.ofMillis(700), garbage, forbidden, hanging, refused));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(s.servers()).extracting(ServerObservation::reachability)
          .containsExactly(Reachability.GARBAGE, Reachability.FORBIDDEN, Reachability.TIMEOUT, Reachability.REFUSED);
      assertThat(s.servers().get(1).error()).contains("403").contains("Permission denied");
      // One hanging server costs one request timeout, not one per endpoint or per server.
      assertThat(took).isLessThan(Duration.ofMillis(2500));
      assertThat(s.took()).isPositive();
    }
  }

  @Test
  void theNextPollReusesThePreviousPollsConnections() throws IOException {
    URI[] five = new URI[5];
    for (int i = 0; i < five.length; i++) {
      five[i] = serve(200, "{}", Duration.ofMillis(300)); // every request of a poll in flight at once
    }
    ClusterConfig cluster = cluster(Duration.ofSeconds(2), five);
    try (HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      observer.observe(cluster);
      Set<Integer> first = Set.copyOf(clientPorts);
      clientPorts.clear();
      observer.observe(cluster);
      // every endpoint of every server is asked in parallel, each on a connection that is kept for the next poll
      assertThat(clientPorts).isNotEmpty();
      assertThat(first).containsAll(clientPorts);
    }
  }

  @Test
  void anAgentThatDiedSinceThePreviousPollIsRefusedNotAnErrorOnItsKeptConnections() throws IOException {
    URI agent = serve(200, "{}", false);
    ClusterConfig cluster = cluster(Duration.ofSeconds(2), agent);
    try (HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      assertThat(observer.observe(cluster).servers().get(0).reachability()).isNotEqualTo(Reachability.REFUSED);
      servers.forEach(s -> s.stop(0)); // closes its connections and its port, like a killed agent
      assertThat(observer.observe(cluster).servers().get(0).reachability()).isEqualTo(Reachability.REFUSED);
    }
  }

  @Test
  void aClusterWhoseSettingsChangedIsPolledWithTheNewOnes() throws IOException {
    URI hanging = serve(200, "{}", true);
    try (HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      observer.observe(cluster(Duration.ofMillis(900), hanging));
      ClusterSnapshot again = observer.observe(cluster(Duration.ofMillis(150), hanging));
      assertThat(again.servers()).extracting(ServerObservation::reachability).containsExactly(Reachability.TIMEOUT);
      assertThat(again.took()).isLessThan(Duration.ofMillis(700));
    }
  }

  @Test
  void parserReadsAgentSelfAndFallsBackToLatestConfiguration() {
    String self = """
        {"Config": {"NodeID": "abc", "NodeName": "s1", "Version": "1.8.7", "Server": true},
         "Member": {"Addr": "127.0.0.1", "Tags": {"port": "8300"}},
         "Stats": {"raft": {"state": "Candidate", "term": "12", "last_log_index": "11", "last_log_term": "2",
           "last_contact": "14.0s", "protocol_version": "3",
           "latest_configuration": "[{Suffrage:Voter ID:aaa Address:127.0.0.2:8300} {Suffrage:Nonvoter ID:abc Address:127.0.0.1:8300}]"}}}
        """;
    Map<String, EndpointResult> answers = new LinkedHashMap<>();
    answers.put("/v1/agent/self", new EndpointResult.Answer(200, self));
    answers.put("/v1/status/leader", new EndpointResult.Answer(200, "\"\""));
    answers.put("/v1/operator/raft/configuration?stale",
        new EndpointResult.Answer(500, "No cluster leader"));
    ServerObservation o = ObservationParser.parse("s1", URI.create("http://127.0.0.1:8500"), answers);
    assertThat(o.reachable()).isTrue();
    assertThat(o.raftState()).isEqualTo("Candidate");
    assertThat(o.term()).isEqualTo(12);
    assertThat(o.raftAddress()).isEqualTo("127.0.0.1:8300");
    assertThat(o.leader()).contains("");
    assertThat(o.seesLeader()).isFalse();
    assertThat(o.raftConfiguration()).hasValueSatisfying(c -> assertThat(c)
        .containsExactly(new RaftServer("aaa", "", "127.0.0.2:8300", true), new RaftServer("abc", "", "127.0.0.1:8300", false)));
    assertThat(o.requestErrors()).containsKey("/v1/operator/raft/configuration?stale").containsKey("/v1/agent/members");
  }
}
