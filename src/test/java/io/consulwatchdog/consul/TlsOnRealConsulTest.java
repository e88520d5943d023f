package io.consulwatchdog.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ConfigException;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.lab.ConsulBinary;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.observe.ServerObservation;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A real Consul agent serving only HTTPS and requiring client certificates, with keys and
 * certificates made by Consul's own `consul tls` (SEC1 "EC PRIVATE KEY" files).
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsOnRealConsulTest {
  private Path dir;
  private Process consul;
  private String address;
  private URI https;

  @BeforeAll
  void startHttpsAgent() throws Exception {
    dir = Files.createTempDirectory("consul-watchdog-tls");
    String bin = ConsulBinary.locate().toString();
    address = freeLoopbackAddress();
    run(dir, bin, "tls", "ca", "create");
    run(dir, bin, "tls", "cert", "create", "-server", "-dc", "dc1", "-additional-ipaddress", address);
    run(dir, bin, "tls", "cert", "create", "-client", "-dc", "dc1");
    Files.createDirectories(dir.resolve("other"));
    run(dir.resolve("other"), bin, "tls", "ca", "create");
    String tlsHcl = "ca_file = \"" + dir.resolve("consul-agent-ca.pem") + "\"\n"
        + "cert_file = \"" + dir.resolve("dc1-server-consul-0.pem") + "\"\n"
        + "key_file = \"" + dir.resolve("dc1-server-consul-0-key.pem") + "\"\n"
        + "verify_incoming_https = true\n";
    consul = new ProcessBuilder(bin, "agent", "-dev", "-node", "tls-dev", "-bind", address, "-client", address,
        "-hcl", "ports { dns = -1\n grpc = -1\n http = -1\n https = 8501 }", "-hcl", tlsHcl)
        .redirectErrorStream(true).redirectOutput(dir.resolve("consul.log").toFile()).start();
    https = URI.create("https://" + address + ":8501");
    try (ConsulHttp http = new ConsulHttp(Duration.ofSeconds(2), Optional.empty(), mutual())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!(http.get(https, Endpoints.STATUS_LEADER) instanceof EndpointResult.Answer a && a.status() == 200
          && a.body().contains(address))) {
        if (System.nanoTime() > deadline || !consul.isAlive()) {
          throw new IllegalStateException("HTTPS agent did not come up: " + Files.readString(dir.resolve("consul.log")));
        }
        Thread.sleep(200);
      }
    }
  }

  @AfterAll
  void stopAgent() throws Exception {
    if (consul != null) {
      consul.destroyForcibly();
      consul.waitFor(15, TimeUnit.SECONDS);
    }
    if (dir != null) {
      try (var walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private TlsConfig mutual() {
    return new TlsConfig(Optional.of(dir.resolve("consul-agent-ca.pem")), Optional.of(dir.resolve("dc1-client-consul-0.pem")),
        Optional.of(dir.resolve("dc1-client-consul-0-key.pem")), false);
  }

  @Test
  void clientCertificateWithConsulsOwnEcKeyIsAccepted() {
    try (ConsulHttp http = new ConsulHttp(Duration.ofSeconds(3), Optional.empty(), mutual())) {
      EndpointResult r = http.get(https, Endpoints.STATUS_LEADER);
      assertThat(r).isInstanceOfSatisfying(EndpointResult.Answer.class, a -> {
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).contains(address + ":8300");
      });
    }
  }

  @Test
  void observerSeesTheLeaderOverHttps() {
    ClusterConfig cluster = new ClusterConfig("tls", List.of(new ServerConfig("tls-dev", https, Optional.empty(),
        new NoExecutorConfig())), List.of(), Duration.ofSeconds(1), Duration.ofSeconds(3), Optional.empty(), mutual(),
        RecoveryConfig.defaults());
    try (HttpClusterObserver observer = new HttpClusterObserver(Clock.systemUTC())) {
      ServerObservation o = observer.observe(cluster).servers().get(0);
      assertThat(o.reachable()).as(o.error()).isTrue();
      assertThat(o.raftState()).isEqualTo("Leader");
      assertThat(o.version()).isEqualTo("1.8.7");
    }
  }

  @Test
  void withoutAClientCertificateTheAgentRefusesUs() {
    TlsConfig caOnly = new TlsConfig(Optional.of(dir.resolve("consul-agent-ca.pem")), Optional.empty(), Optional.empty(), false);
    try (ConsulHttp http = new ConsulHttp(Duration.ofSeconds(3), Optional.empty(), caOnly)) {
      assertThat(http.get(https, Endpoints.STATUS_LEADER)).isInstanceOf(EndpointResult.Failure.class);
    }
  }

  @Test
  void aServerCertificateFromAnotherCaIsRefused() {
    TlsConfig wrongCa = new TlsConfig(Optional.of(dir.resolve("other/consul-agent-ca.pem")),
        mutual().certFile(), mutual().keyFile(), false);
    try (ConsulHttp http = new ConsulHttp(Duration.ofSeconds(3), Optional.empty(), wrongCa)) {
      assertThat(http.get(https, Endpoints.STATUS_LEADER)).isInstanceOfSatisfying(EndpointResult.Failure.class,
          f -> assertThat(f.message()).containsIgnoringCase("cert"));
    }
  }

  @Test
  void skipVerifyStillPresentsTheClientCertificate() {
    TlsConfig skip = new TlsConfig(Optional.empty(), mutual().certFile(), mutual().keyFile(), true);
    try (ConsulHttp http = new ConsulHttp(Duration.ofSeconds(3), Optional.empty(), skip)) {
      assertThat(http.get(https, Endpoints.STATUS_LEADER)).isInstanceOfSatisfying(EndpointResult.Answer.class,
          a -> assertThat(a.status()).isEqualTo(200));
    }
  }

  @Test
  void aKeyFileThatIsNotAKeyIsAConfigErrorNamingTheTlsBlock() throws IOException {
    Path config = dir.resolve("bad-tls.yml");
    Files.writeString(config, "clusters:\n  - name: dc1\n    tls:\n      ca_file: " + dir.resolve("consul-agent-ca.pem")
        + "\n      cert_file: " + dir.resolve("dc1-client-consul-0.pem")
        + "\n      key_file: " + dir.resolve("dc1-client-consul-0.pem")
        + "\n    servers:\n      - name: s1\n        http_address: " + https + "\n");
    assertThatThrownBy(() -> new ConfigLoader().load(config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("clusters[0].tls: cannot load TLS files")
        .hasMessageContaining("dc1-client-consul-0.pem: no PEM private key");
  }

  @Test
  void adHocCheckReadsConsulsOwnTlsVariables() throws Exception {
    Map<String, String> env = Map.of("CONSUL_HTTP_ADDR", address + ":8501", "CONSUL_HTTP_SSL", "true",
        "CONSUL_CACERT", dir.resolve("consul-agent-ca.pem").toString(),
        "CONSUL_CLIENT_CERT", dir.resolve("dc1-client-consul-0.pem").toString(),
        "CONSUL_CLIENT_KEY", dir.resolve("dc1-client-consul-0-key.pem").toString());
    CheckRun healthy = check(env);
    assertThat(healthy.exit()).as(healthy.output()).isZero();
    assertThat(healthy.output()).contains("HEALTHY", address + ":8501", "Leader");

    Map<String, String> noClientCertificate = new HashMap<>(env);
    noClientCertificate.remove("CONSUL_CLIENT_CERT");
    noClientCertificate.remove("CONSUL_CLIENT_KEY");
    CheckRun refused = check(noClientCertificate);
    assertThat(refused.exit()).as(refused.output()).isEqualTo(3);
  }

  private record CheckRun(int exit, String output) {}

  /** `consul-watchdog check` in its own JVM, with only the given CONSUL_* variables set. */
  private CheckRun check(Map<String, String> consulVariables) throws Exception {
    Path output = Files.createTempFile(dir, "check", ".out");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.consulwatchdog.cli.Main", "check")
        .redirectErrorStream(true).redirectOutput(output.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CONSUL_"));
    pb.environment().putAll(consulVariables);
    Process p = pb.start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("check finished").isTrue();
      return new CheckRun(p.exitValue(), Files.readString(output));
    } finally {
      p.destroyForcibly();
    }
  }

  private static void run(Path cwd, String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
    }
  }

  private static String freeLoopbackAddress() throws IOException {
    for (int i = 0; i < 50; i++) {
      String a = "127." + ThreadLocalRandom.current().nextInt(200, 251) + "." + ThreadLocalRandom.current().nextInt(1, 255)
          + "." + ThreadLocalRandom.current().nextInt(1, 255);
      try (ServerSocket s1 = new ServerSocket(8501, 1, InetAddress.getByName(a));
          ServerSocket s2 = new ServerSocket(8300, 1, InetAddress.getByName(a));
          ServerSocket s3 = new ServerSocket(8301, 1, InetAddress.getByName(a))) {
        return a;
      } catch (IOException busy) {
        // try another
      }
    }
    throw new IllegalStateException("no free loopback address");
  }
}
