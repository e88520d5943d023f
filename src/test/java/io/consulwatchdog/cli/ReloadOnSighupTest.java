package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.ChildJvm;
import io.consulwatchdog.daemon.LockProbe;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run` re-reads its config on SIGHUP (systemctl reload): clusters come and go, a bad config changes nothing. */
class ReloadOnSighupTest {
  private static final Pattern LISTENING = Pattern.compile("metrics on http://(\\S+)/metrics");
  @TempDir Path dir;

  private String config(String... clusters) {
    StringBuilder yaml = new StringBuilder("state_dir: " + dir.resolve("state") + "\nlisten_address: 127.0.0.1:0\n"
        + "clusters:\n");
    for (String name : clusters) {
      yaml.append("  - name: ").append(name).append("\n    poll_interval: 500ms\n    request_timeout: 1s\n")
          .append("    servers:\n      - {name: s1, http_address: \"http://127.0.0.1:1\"}\n");
    }
    return yaml.toString();
  }

  private static String get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static void signal(String name, Process p) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  @Test
  void sighupReloadsTheConfigAndABadOneLeavesTheRunningConfigInForce() throws Exception {
    Path file = dir.resolve("config.yml");
    Files.writeString(file, config("dc1"));
    Process daemon = ChildJvm.start(Main.class, Map.of(), "run", "--config", file.toString());
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          output.add(line);
        }
      } catch (IOException ended) {
        // the child exited
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch(l -> LISTENING.matcher(l).find()));
      Matcher m = LISTENING.matcher(output.stream().filter(l -> LISTENING.matcher(l).find()).findFirst().orElseThrow());
      assertThat(m.find()).isTrue();
      String status = "http://" + m.group(1) + "/status";

      Files.writeString(file, config("dc1", "dc2"));
      signal("HUP", daemon);
      await().atMost(Duration.ofSeconds(15)).until(() -> get(status).contains("\"dc2\""));
      assertThat(daemon.isAlive()).isTrue();

      Files.writeString(file, config("dc1", "dc2").replace("poll_interval: 500ms", "poll_interval: 5 seconds"));
      signal("HUP", daemon);
      await().atMost(Duration.ofSeconds(15)).until(() -> output.stream().anyMatch(l -> l.contains("Reload refused")));
      assertThat(output.stream().filter(l -> l.contains("Reload refused")).findFirst().orElseThrow())
          .contains("clusters[0].poll_interval").contains("5 seconds").contains("the running config stays in force");
      assertThat(get(status)).contains("\"dc1\"").contains("\"dc2\"");

      Files.writeString(file, config("dc2"));
      signal("HUP", daemon);
      await().atMost(Duration.ofSeconds(15)).until(() -> !get(status).contains("\"dc1\""));
      ChildJvm.Result probe = ChildJvm.run(LockProbe.class, Map.of(), Duration.ofSeconds(30),
          dir.resolve("state").toString(), "dc1", "try");
      assertThat(probe.exit()).as("dc1's lock was released: " + probe.output()).isZero();
      assertThat(daemon.isAlive()).isTrue();

      signal("TERM", daemon);
      assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(daemon.exitValue()).as("SIGTERM: 128 + 15, SuccessExitStatus=143 in the unit").isEqualTo(143);
    } finally {
      daemon.destroyForcibly();
      daemon.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
