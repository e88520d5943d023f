package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.cli.Main;
import io.consulwatchdog.execute.SystemdUserLab;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.LabCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watchdog as a Type=notify service of a real systemd (a `systemd --user` manager on a private bus): it
 * becomes active only once every cluster was polled, shows its STATUS= line in `systemctl status`, keeps the
 * WatchdogSec= watchdog fed, reloads on `systemctl reload`, stops with success on `systemctl stop`, and is
 * restarted by systemd when it stops answering the watchdog. The unit carries the shipped unit's system-call
 * and privilege sandbox. (LoadCredential= is not tried here: this container's user manager leaves the
 * credentials directory empty, even for SetCredential=.)
 */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class SystemdServiceLabTest {
  private static final String UNIT = "cw-notify-" + Long.toHexString(new SecureRandom().nextLong() & 0xffffffL)
      + ".service";
  /** The slow cluster's only server accepts and never answers: its first poll lasts this request timeout. */
  private static final Duration SLOW_POLL = Duration.ofSeconds(6);
  @TempDir Path dir;

  /** The shipped unit's settings that shape what the JVM may do (system calls, sockets, privileges), tried here. */
  private static final Set<String> SANDBOX = Set.of("NoNewPrivileges", "CapabilityBoundingSet", "AmbientCapabilities",
      "RestrictAddressFamilies", "SystemCallArchitectures", "SystemCallFilter", "SystemCallErrorNumber",
      "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID", "LockPersonality", "MemoryDenyWriteExecute",
      "NotifyAccess", "SuccessExitStatus", "ExecReload", "Type", "UMask");

  private static List<String> shippedSandbox() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("systemd/consul-watchdog.service")).stream()
        .filter(l -> SANDBOX.contains(l.split("=", 2)[0])).toList();
    assertThat(lines).as("the shipped unit's sandbox").anyMatch(l -> l.startsWith("SystemCallFilter=~"));
    return lines;
  }

  private static String config(Path dir, LabCluster lab, int listenPort, int slowPort, boolean withExtra) {
    String servers = lab.servers().stream().map(s -> "      - {name: " + s.name() + ", http_address: \"" + s.httpUri()
        + "\"}\n").collect(Collectors.joining());
    return "state_dir: " + dir.resolve("state") + "\nlisten_address: 127.0.0.1:" + listenPort + "\nclusters:\n"
        + "  - name: lab\n    poll_interval: 1s\n    request_timeout: 2s\n    servers:\n" + servers
        + "  - name: slow\n    poll_interval: 1s\n    request_timeout: " + SLOW_POLL.toSeconds() + "s\n    servers:\n"
        + "      - {name: hang, http_address: \"http://127.0.0.1:" + slowPort + "\"}\n"
        + (withExtra ? "  - name: extra\n    servers:\n      - {name: x1, http_address: \"http://127.0.0.1:1\"}\n" : "");
  }

  private static String show(SystemdUserLab systemd, String property) throws Exception {
    return systemd.systemctl("show", "-p", property, "--value", UNIT).strip();
  }

  /** Kills the unit's main process by PID if it still runs (a test that failed before `systemctl stop`). */
  private static void killMainProcess(SystemdUserLab systemd) throws Exception {
    long pid = Long.parseLong(show(systemd, "MainPID"));
    if (pid > 0) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aTypeNotifyUnitIsActiveOnlyAfterTheFirstPollShowsItsStatusReloadsAndStops(LabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(30));
    try (SilentServer hang = new SilentServer();
        SystemdUserLab systemd = SystemdUserLab.start(dir.resolve("systemd"));
        AutoCloseable unitJvm = () -> killMainProcess(systemd)) { // closed first: no daemon JVM outlives the test
      int port = freePort();
      Path config = dir.resolve("config.yml");
      Files.writeString(config, config(dir, lab, port, hang.port(), false));
      Path log = dir.resolve("watchdog.log");
      List<String> unit = new ArrayList<>(List.of(
          "[Unit]",
          "Description=consul-watchdog under test",
          "[Service]",
          "ExecStart=" + Path.of(System.getProperty("java.home"), "bin", "java") + " -Xmx128m -cp "
              + System.getProperty("java.class.path") + " " + Main.class.getName() + " run --config " + config,
          "WatchdogSec=5s",
          "TimeoutStartSec=60s",
          "TimeoutStopSec=30s",
          "TimeoutAbortSec=3s",
          "Restart=on-failure",
          "RestartSec=1s",
          "StandardOutput=append:" + log,
          "StandardError=append:" + log));
      unit.addAll(shippedSandbox());
      systemd.install(UNIT, String.join("\n", unit) + "\n");

      long startedAt = System.nanoTime();
      systemd.systemctl("start", "--no-block", UNIT);
      List<String> states = new ArrayList<>();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
        states.add(show(systemd, "ActiveState"));
        return states.get(states.size() - 1).equals("active");
      });
      long activeAfterMillis = (System.nanoTime() - startedAt) / 1_000_000;
      long mainStart = Long.parseLong(show(systemd, "ExecMainStartTimestampMonotonic"));
      long activeEnter = Long.parseLong(show(systemd, "ActiveEnterTimestampMonotonic"));
      System.out.printf("unit active %d ms after start; ExecMainStart -> ActiveEnter %d ms; states %s%n",
          activeAfterMillis, (activeEnter - mainStart) / 1000, states.stream().distinct().toList());
      assertThat(states).contains("activating");
      assertThat((activeEnter - mainStart) / 1000).as("active only after the slow cluster's first poll")
          .isGreaterThanOrEqualTo(SLOW_POLL.toMillis());
      String base = "http://127.0.0.1:" + port;
      assertThat(get(base + "/ready")).contains("\"ready\" : true");

      String status = systemd.systemctl("status", "--no-pager", UNIT);
      System.out.println(status);
      assertThat(status).contains("Status: \"lab: HEALTHY, detect-only; slow: UNOBSERVABLE, detect-only\"");

      Thread.sleep(12_000); // more than twice WatchdogSec=5s: the pings keep it running
      assertThat(show(systemd, "ActiveState")).isEqualTo("active");
      assertThat(show(systemd, "NRestarts")).isEqualTo("0");

      Files.writeString(config, config(dir, lab, port, hang.port(), true));
      systemd.systemctl("reload", UNIT);
      await().atMost(Duration.ofSeconds(20)).until(() -> get(base + "/status").contains("\"extra\""));
      await().atMost(Duration.ofSeconds(20)).until(() -> show(systemd, "ActiveState").equals("active"));
      Files.writeString(config, "clusters: []\n");
      systemd.systemctl("reload", UNIT);
      await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("Reload refused"));
      assertThat(Files.readString(log)).contains("clusters: must list at least one cluster");
      await().atMost(Duration.ofSeconds(20)).until(() -> show(systemd, "ActiveState").equals("active"));
      assertThat(get(base + "/status")).contains("\"extra\"").contains("\"lab\"");

      long pid = Long.parseLong(show(systemd, "MainPID"));
      // a frozen daemon misses its pings: systemd aborts it after WatchdogSec and restarts it (good config again)
      Files.writeString(config, config(dir, lab, port, hang.port(), true));
      long frozenAt = System.nanoTime();
      assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> show(systemd, "NRestarts").equals("1"));
      System.out.printf("frozen daemon restarted by systemd %d ms after SIGSTOP%n", (System.nanoTime() - frozenAt) / 1_000_000);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> show(systemd, "ActiveState").equals("active"));
      assertThat(Long.parseLong(show(systemd, "MainPID"))).isNotEqualTo(pid);

      systemd.systemctl("stop", UNIT);
      assertThat(show(systemd, "ActiveState")).isEqualTo("inactive");
      assertThat(show(systemd, "Result")).as("exit 143 on SIGTERM counts as success").isEqualTo("success");
      assertThat(Files.readString(log)).contains("Stopped");
    } finally {
      Path log = dir.resolve("watchdog.log");
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        System.out.println("--- watchdog.log (last 60 lines) ---");
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
      }
    }
  }
}
