package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.consulwatchdog.cli.Main;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.lab.ConsulLabExtension.Acl;
import io.consulwatchdog.lab.ConsulLabExtension.Tls;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.LabAcl;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Issue 10 on a real Consul 1.8.7 cluster run as production clusters are: ACLs in default-deny mode and an
 * HTTPS-only API that requires client certificates; two of three servers replaced by fresh ones.
 */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class ProductionClusterLabTest {
  private static final int KEYS = 50;
  @TempDir Path dir;

  private static RecoveryConfig recovery() {
    return new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers", "peers-json"),
        Duration.ofSeconds(3), 2, Duration.ofSeconds(2), Duration.ofMinutes(10), 3, Duration.ofHours(1),
        Duration.ofSeconds(40), false);
  }

  private WatchdogConfig watchdog(ClusterConfig cluster) {
    return new WatchdogConfig(Optional.empty(), dir.resolve("state"), "127.0.0.1:0", List.of(cluster));
  }

  @Test
  void aDefaultDenyHttpsOnlyClusterWithTwoServersReplacedIsHealedAndNoTokenLeaks(@Acl @Tls TestLabCluster lab)
      throws Exception {
    LabServer leader = lab.awaitLeader(Duration.ofSeconds(30));
    lab.cluster().putKeys("kept", KEYS);
    LabAcl acl = lab.acl().orElseThrow();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    List<String> metrics = new ArrayList<>();
    try {
      // the watchdog watches the healthy cluster first: it learns who the voters are
      try (Daemon daemon = Daemon.start(watchdog(lab.cluster().clusterConfig(recovery())))) {
        await().atMost(Duration.ofSeconds(15)).until(() -> daemon.latest(lab.cluster().clusterConfig(recovery())
            .name()).map(v -> v.code() == DiagnosisCode.HEALTHY).orElse(false));
        metrics.add(get("http://" + daemon.listenAddress() + "/metrics"));
      }
      // the leader and one follower are rebuilt: fresh servers with new names and addresses
      String follower = lab.servers().stream().map(LabServer::name).filter(n -> !n.equals(leader.name()))
          .findFirst().orElseThrow();
      lab.cluster().replace(List.of(leader.name(), follower));
      ClusterConfig now = lab.cluster().clusterConfig(recovery());

      // without a token every server answers 403: check says so and exits 77, it does not call them silent
      ClusterConfig noToken = now.withTokens(Optional.empty(), Optional.empty());
      Path noTokenConfig = writeConfig(noToken, lab);
      StringWriter out = new StringWriter();
      assertThat(check(out, "--config", noTokenConfig.toString())).as(out.toString()).isEqualTo(77);
      assertThat(out.toString()).contains("FORBIDDEN").contains("403").contains("agent_token")
          .doesNotContain("No configured server answered");

      // with the management token and the agent recovery token the daemon sees the usual evidence and heals
      try (Daemon daemon = Daemon.start(watchdog(now))) {
        String base = "http://" + daemon.listenAddress();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> get(base + "/metrics")
            .contains("consul_watchdog_recoveries_succeeded_total{cluster=\"" + now.name()
                + "\",strategy=\"peers-json\"} 1.0"));
        metrics.add(get(base + "/metrics"));
      }
      String journal = Files.readString(dir.resolve("state/" + now.name() + "/audit.jsonl"));
      assertThat(journal).contains("QUORUM_LOST (STALE_CONFIGURATION)").contains("\"outcome\":\"SUCCEEDED\"");
      lab.awaitLeader(TestLabCluster.FRESH_ACL_SERVER_TIMEOUT); // fresh servers may stay in ACL legacy mode a while
      assertThat(lab.cluster().readKeys("kept")).hasSize(KEYS);

      // no token value anywhere: log lines, journal, metrics, any process's argument list
      List<String> secrets = acl.tokenValues();
      assertThat(secrets).hasSizeGreaterThanOrEqualTo(2);
      for (String secret : secrets) {
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(secret)
            || (e.getThrowableProxy() != null && e.getThrowableProxy().getMessage() != null
                && e.getThrowableProxy().getMessage().contains(secret)));
        assertThat(journal).doesNotContain(secret);
        assertThat(metrics).noneMatch(m -> m.contains(secret));
        assertThat(processArguments()).noneMatch(argv -> argv.contains(secret));
      }
    } finally {
      root.detachAppender(logs);
    }
  }

  private Path writeConfig(ClusterConfig cluster, TestLabCluster lab) throws IOException {
    StringBuilder yaml = new StringBuilder("state_dir: " + dir.resolve("state") + "\nclusters:\n  - name: "
        + cluster.name() + "\n    request_timeout: 2s\n    tls:\n      ca_file: " + cluster.tls().caFile().orElseThrow()
        + "\n      cert_file: " + cluster.tls().certFile().orElseThrow() + "\n      key_file: "
        + cluster.tls().keyFile().orElseThrow() + "\n    servers:\n");
    cluster.servers().forEach(s -> yaml.append("      - {name: ").append(s.name()).append(", http_address: \"")
        .append(s.httpAddress()).append("\"}\n"));
    Path f = dir.resolve("no-token.yml");
    Files.writeString(f, yaml.toString());
    return f;
  }

  private static int check(StringWriter out, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    String[] all = Stream.concat(Stream.of("check"), Stream.of(args)).toArray(String[]::new);
    return cl.execute(all);
  }

  /** The argument lists of every process on this machine (/proc/PID/cmdline). */
  private static List<String> processArguments() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          out.add(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' '));
        } catch (IOException e) {
          // the process ended meanwhile
        }
      }
    }
    return out;
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    return r.body();
  }
}
