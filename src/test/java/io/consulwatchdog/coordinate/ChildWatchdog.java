package io.consulwatchdog.coordinate;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.cli.Main;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.recover.AuditEvent;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.recover.ReconcilerFactory;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A `consul-watchdog run` in its own JVM with its own state dir and listen port, its output in a file; killed
 * by its PID (SIGKILL) by the test or on close. Reads its /health, /metrics and audit journal.
 */
final class ChildWatchdog implements AutoCloseable {
  private final String name;
  private final Path stateDir;
  private final Path log;
  private final int port;
  private final Process process;

  private ChildWatchdog(String name, Path stateDir, Path log, int port, Process process) {
    this.name = name;
    this.stateDir = stateDir;
    this.log = log;
    this.port = port;
    this.process = process;
  }

  /** The state dir of the named watchdog under dir. */
  static Path stateDir(Path dir, String name) {
    return dir.resolve(name).resolve("state");
  }

  /**
   * Lets the named watchdog's state dir know the lab's healthy topology, as a watchdog that watched it before
   * an outage would (one poll, nothing else).
   */
  static void knowHealthyCluster(Path dir, String name, TestLabCluster lab) {
    Clock clock = Clock.systemUTC();
    try (HttpClusterObserver observer = new HttpClusterObserver(clock)) {
      ReconcilerFactory.standard(observer, s -> {
        throw new IllegalStateException("looks only");
      }, new HttpLeaderRead(), stateDir(dir, name), new WatchdogMetrics(new SimpleMeterRegistry(), clock), clock)
          .poller(lab.cluster().clusterConfig(RecoveryConfig.defaults())).poll();
    }
  }

  /**
   * Writes the watchdog's config (the lab's servers through their ctl.sh, a fast recovery, the coordination block)
   * under dir/name and starts `run` on it.
   *
   * @param startOverrides server name to the argv of its start command, replacing its ctl.sh start
   */
  static ChildWatchdog start(String name, Path dir, TestLabCluster lab, String coordination,
      Map<String, List<String>> startOverrides) throws IOException {
    Path home = Files.createDirectories(dir.resolve(name));
    int port = freePort();
    Path stateDir = stateDir(dir, name);
    StringBuilder yaml = new StringBuilder("state_dir: " + stateDir + "\nlisten_address: 127.0.0.1:" + port
        + "\nclusters:\n  - name: " + lab.cluster().clusterConfig(RecoveryConfig.defaults())
        .name() + "\n    poll_interval: 1s\n    request_timeout: 2s\n    servers:\n");
    for (LabServer s : lab.servers()) {
      String ctl = s.ctlScript().toString();
      List<String> start = startOverrides.getOrDefault(s.name(), List.of(ctl, "start"));
      yaml.append("      - name: ").append(s.name()).append("\n        http_address: \"").append(s.httpUri())
          .append("\"\n        data_dir: ").append(s.dataDir()).append("\n        executor: {type: local, stop: [")
          .append(ctl).append(", stop], start: [").append(String.join(", ", start)).append("], restart: [")
          .append(ctl).append(", restart]}\n");
    }
    yaml.append("    recovery:\n      mode: auto\n      strategies: [restart-down-servers, peers-json]\n"
        + "      leaderless_after: 3s\n      confirm_polls: 2\n      confirm_window: 0s\n      cooldown: 1s\n"
        + "      max_failures: 5\n      settle_timeout: 40s\n");
    yaml.append(coordination.replace("INSTANCE", name));
    Path config = home.resolve("config.yml");
    Files.writeString(config, yaml.toString());
    Path log = home.resolve("run.log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    return new ChildWatchdog(name, stateDir, log, port, p);
  }

  String name() {
    return name;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The cluster's entry of /health, if the watchdog answers. */
  Optional<JsonNode> health(String cluster) {
    return get("/health").map(body -> {
      try {
        return JsonMapper.compact().readTree(body).path("clusters").path(cluster);
      } catch (IOException e) {
        return null;
      }
    });
  }

  /** True when /health says this watchdog holds the cluster's coordination lock. */
  boolean holds(String cluster) {
    return health(cluster).map(c -> c.path("coordination").path("holding").asBoolean(false)).orElse(false);
  }

  /** The /metrics text, empty if the watchdog does not answer. */
  String metrics() {
    return get("/metrics").orElse("");
  }

  /** The cluster's audit journal. */
  List<AuditEvent> journal(String cluster) {
    return new AuditJournal(stateDir, cluster, Clock.systemUTC()).read();
  }

  /** The IDs of the recoveries this watchdog planned for real (its own, or taken over). */
  List<String> recoveriesPlanned(String cluster) {
    return journal(cluster).stream().filter(e -> e instanceof AuditEvent.RecoveryPlanned p && !p.dryRun())
        .map(AuditEvent::recoveryId).toList();
  }

  /** The process output so far. */
  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** SIGKILL by PID, and wait until it is gone. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }

  private Optional<String> get(String path) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(3000);
      try {
        return c.getResponseCode() == 200
            ? Optional.of(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)) : Optional.empty();
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
