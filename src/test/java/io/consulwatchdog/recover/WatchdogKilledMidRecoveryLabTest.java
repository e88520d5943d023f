package io.consulwatchdog.recover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.cli.Main;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 #4 with a real SIGKILL: a watchdog process killed right after its recovery stopped every server,
 * then started again, must not leave the servers stopped: it puts back what the unfinished recovery changed
 * and the cluster heals (or the recovery ends FAILED with the servers up).
 */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class WatchdogKilledMidRecoveryLabTest {
  private static final int KEYS = 50;
  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();

  @Test
  void aWatchdogKilledAfterItsStopsPutsTheServersBackWhenItComesBack(TestLabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    lab.cluster().putKeys("kept", KEYS);
    Path stateDir = dir.resolve("state");
    RecoveryConfig recovery = new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers", "peers-json"),
        Duration.ofSeconds(3), 2, Duration.ZERO, Duration.ofSeconds(1), 5, Duration.ofHours(1),
        Duration.ofSeconds(40), false);
    ClusterConfig healthy = lab.cluster().clusterConfig(recovery);
    LabScenes.learnTopology(healthy, stateDir, clock); // the watchdog knew the healthy cluster
    String survivor = LabScenes.replaceLeaderAndOneFollower(lab);

    // the first watchdog's start of the survivor hangs: it is killed (SIGKILL) while in that step
    Path slowStart = dir.resolve("slow-start-" + System.nanoTime() + ".sh");
    Files.writeString(slowStart, "#!/bin/sh\nexec sleep 600\n");
    slowStart.toFile().setExecutable(true);
    Path first = writeConfig(lab, stateDir, "first.yml", survivor, slowStart);
    Path second = writeConfig(lab, stateDir, "second.yml", survivor, null);
    Path journal = stateDir.resolve(lab.cluster().clusterConfig(recovery).name()).resolve("audit.jsonl");
    Process killed = start(first, dir.resolve("first.log"));
    Process restarted = null;
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.exists(journal) && Files.readString(journal).contains("\"step\":\"start agent " + survivor));
      killed.destroyForcibly().waitFor();
      killStragglers(slowStart);
      assertThat(lab.servers()).as("every server was stopped by the first watchdog")
          .noneMatch(LabServer::running);

      restarted = start(second, dir.resolve("second.log"));
      await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
          .until(() -> lab.servers().stream().allMatch(LabServer::running)
              && Files.readString(journal).contains("\"outcome\":\"SUCCEEDED\""));
      String text = Files.readString(journal);
      assertThat(text).as(Files.readString(dir.resolve("second.log")))
          .contains("interrupted by a watchdog restart").contains("undo-finished");
      lab.awaitLeader(Duration.ofSeconds(20));
      assertThat(lab.cluster().readKeys("kept")).hasSize(KEYS);
    } finally {
      killed.destroyForcibly();
      if (restarted != null) {
        restarted.destroyForcibly().waitFor();
      }
      killStragglers(slowStart);
    }
  }

  /**
   * Issue 8 #4: SIGTERM while a recovery runs: the step under way finishes, what the recovery changed is
   * undone (the servers it stopped are started again), and the process exits (143) well within the unit's
   * TimeoutStopSec.
   */
  @Test
  void aSigtermDuringARecoveryFinishesTheStepUndoesAndExits(TestLabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    Path stateDir = dir.resolve("state");
    RecoveryConfig recovery = new RecoveryConfig(RecoveryMode.AUTO, List.of("peers-json"), Duration.ofSeconds(3), 2,
        Duration.ZERO, Duration.ofMinutes(10), 5, Duration.ofHours(1), Duration.ofSeconds(40), false);
    ClusterConfig healthy = lab.cluster().clusterConfig(recovery);
    LabScenes.learnTopology(healthy, stateDir, clock);
    String survivor = LabScenes.replaceLeaderAndOneFollower(lab);

    // the survivor's start takes 4 s: SIGTERM arrives while it runs
    Path slowStart = dir.resolve("slow-start-" + System.nanoTime() + ".sh");
    Files.writeString(slowStart, "#!/bin/sh\nsleep 4\nexec '" + lab.server(survivor).ctlScript() + "' start\n");
    slowStart.toFile().setExecutable(true);
    Path config = writeConfig(lab, stateDir, "slow.yml", survivor, slowStart);
    Path journal = stateDir.resolve(healthy.name()).resolve("audit.jsonl");
    Process watchdog = start(config, dir.resolve("slow.log"));
    try {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> Files.exists(journal) && Files.readString(journal).contains("\"step\":\"start agent " + survivor));
      long term = System.nanoTime();
      watchdog.destroy(); // SIGTERM
      assertThat(watchdog.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      Duration toExit = Duration.ofNanos(System.nanoTime() - term);
      assertThat(watchdog.exitValue()).isEqualTo(143);
      String text = Files.readString(journal);
      assertThat(text).as(Files.readString(dir.resolve("slow.log"))).contains("interrupted by the watchdog's shutdown")
          .contains("undo-finished").contains("\"outcome\":\"FAILED\"");
      assertThat(lab.servers()).allSatisfy(server -> assertThat(server.running()).as(server.name()).isTrue());
      System.out.printf("SIGTERM during a recovery: exited 143 in %d ms with the servers started again%n",
          toExit.toMillis());
    } finally {
      watchdog.destroyForcibly().waitFor();
      killStragglers(slowStart);
    }
  }

  /** A `run` of the watchdog in its own JVM, its output in a file; the caller kills it by its PID. */
  private static Process start(Path config, Path log) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--config", config.toString()));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
  }

  /** Kills, by PID, what the killed watchdog left running: the hanging start script and its children. */
  private static void killStragglers(Path script) throws IOException {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        String cmdline;
        try {
          cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
          continue;
        }
        if (cmdline.contains(script.toString()) || cmdline.startsWith("sleep\u0000600")) {
          ProcessHandle.of(Long.parseLong(p.getFileName().toString())).ifPresent(h -> {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
          });
        }
      }
    }
  }

  private static Path writeConfig(TestLabCluster lab, Path stateDir, String name, String survivor, Path slowStart)
      throws IOException {
    ClusterConfig c = lab.cluster().clusterConfig(RecoveryConfig.defaults());
    StringBuilder yaml = new StringBuilder("state_dir: " + stateDir + "\nlisten_address: 127.0.0.1:0\nclusters:\n"
        + "  - name: " + c.name() + "\n    poll_interval: 1s\n    request_timeout: 2s\n    servers:\n");
    for (LabServer s : lab.servers()) {
      String ctl = s.ctlScript().toString();
      String start = s.name().equals(survivor) && slowStart != null ? slowStart.toString() : ctl;
      yaml.append("      - name: ").append(s.name()).append("\n        http_address: \"").append(s.httpUri())
          .append("\"\n        data_dir: ").append(s.dataDir()).append("\n        executor: {type: local, stop: [")
          .append(ctl).append(", stop], start: [").append(start).append(s.name().equals(survivor) && slowStart != null
              ? "" : ", start").append("], restart: [").append(ctl).append(", restart]}\n");
    }
    yaml.append("    recovery:\n      mode: auto\n      strategies: [restart-down-servers, peers-json]\n"
        + "      leaderless_after: 3s\n      confirm_polls: 2\n      confirm_window: 0s\n      cooldown: 1s\n"
        + "      max_failures: 5\n      settle_timeout: 40s\n");
    Path f = stateDir.getParent().resolve(name);
    Files.writeString(f, yaml.toString());
    return f;
  }
}
