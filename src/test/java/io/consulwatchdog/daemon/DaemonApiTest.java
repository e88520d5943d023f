package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.recover.AuditEvent;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.RecoveryStatusStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's status and control API with a real Daemon whose servers do not answer (no Consul needed for
 * what is checked here; DaemonOnRealConsulTest covers it against real servers).
 */
class DaemonApiTest {
  private static final String TOKEN = "c0ntrol-t0ken-for-tests";
  @TempDir Path dir;
  private SilentServer silent;

  @AfterEach
  void closeSilentServer() throws IOException {
    if (silent != null) {
      silent.close();
    }
  }

  /** dc1 polls 127.0.0.1:1 (refused at once); dc2 polls a server that accepts and never answers, when asked. */
  private WatchdogConfig config(boolean withToken, String dc2Address) throws IOException {
    Path token = dir.resolve("control.token");
    Files.writeString(token, TOKEN + "\n");
    Path file = dir.resolve("config.yml");
    Files.writeString(file, "state_dir: " + dir.resolve("state") + "\nlisten_address: 127.0.0.1:0\n"
        + (withToken ? "control_token_file: " + token + "\n" : "")
        + "clusters:\n"
        + "  - name: dc1\n    poll_interval: 300ms\n    request_timeout: 1s\n    recovery: {mode: dry-run}\n"
        + "    servers:\n      - {name: s1, http_address: \"http://127.0.0.1:1\", executor: {type: local, stop: [/bin/false], start: [/bin/false]}}\n"
        + (dc2Address == null ? "" : "  - name: dc2\n    poll_interval: 1s\n    request_timeout: 3s\n"
        + "    servers:\n      - {name: t1, http_address: \"" + dc2Address + "\"}\n"));
    return new ConfigLoader().load(file);
  }

  private String silentServer() throws IOException {
    silent = new SilentServer();
    return silent.httpAddress();
  }

  private static HttpResponse<String> get(Daemon d, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + d.listenAddress() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(Daemon d, String path, String body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + d.listenAddress() + path))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return JsonMapper.compact().readTree(r.body());
  }

  @Test
  void readyOnlyOnceEveryClusterWasPolledAndStatusShowsVerdictRowsAndMode() throws Exception {
    try (Daemon d = Daemon.start(config(true, silentServer()))) {
      HttpResponse<String> early = get(d, "/ready");
      assertThat(early.statusCode()).as("dc2's first poll waits for its 3 s request timeout: %s", early.body())
          .isEqualTo(503);
      assertThat(json(early).path("polled").path("dc2").asBoolean()).isFalse();
      await().atMost(Duration.ofSeconds(15)).until(() -> get(d, "/ready").statusCode() == 200);
      assertThat(get(d, "/health").statusCode()).isEqualTo(200);

      JsonNode dc1 = json(get(d, "/status")).path("clusters").path("dc1");
      assertThat(dc1.path("verdict").path("code").asText()).isEqualTo("UNOBSERVABLE");
      assertThat(dc1.path("verdict").path("evidence").isArray()).isTrue();
      assertThat(dc1.path("snapshot").path("servers").get(0).path("name").asText()).isEqualTo("s1");
      assertThat(dc1.path("snapshot").path("servers").get(0).path("reachability").asText()).isEqualTo("REFUSED");
      assertThat(dc1.path("recovery").path("state").asText()).isEqualTo("IDLE");
      assertThat(dc1.path("mode").path("mode").asText()).isEqualTo("dry-run");
      assertThat(dc1.path("mode").path("reason").asText()).isEqualTo("recovery.mode in the config");
      assertThat(json(get(d, "/status")).path("clusters").path("dc2").path("mode").path("mode").asText())
          .isEqualTo("detect-only");
    }
  }

  @Test
  void aPauseThroughTheApiChangesTheModeMetricAndStatusAndOutlivesTheDaemon() throws Exception {
    WatchdogConfig config = config(true, null);
    try (Daemon d = Daemon.start(config)) {
      HttpResponse<String> paused = post(d, "/clusters/dc1/pause",
          "{\"for\":\"2h\",\"reason\":\"replacing disks\",\"owner\":\"alice\"}");
      assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
      assertThat(json(paused).path("mode").path("mode").asText()).isEqualTo("paused");
      assertThat(json(paused).path("mode").path("reason").asText()).contains("alice").contains("replacing disks");
      Instant until = Instant.parse(json(paused).path("pause").path("until").asText());
      assertThat(until).isBetween(Instant.now().plus(Duration.ofMinutes(119)), Instant.now().plus(Duration.ofHours(2)));

      JsonNode status = json(get(d, "/status")).path("clusters").path("dc1");
      assertThat(status.path("mode").path("mode").asText()).isEqualTo("paused");
      assertThat(status.path("pause").path("owner").asText()).isEqualTo("alice");
      await().atMost(Duration.ofSeconds(5)).until(() -> get(d, "/metrics").body()
          .contains("consul_watchdog_effective_mode{cluster=\"dc1\",mode=\"paused\"} 1.0"));
    }
    try (Daemon again = Daemon.start(config)) {
      assertThat(json(get(again, "/status")).path("clusters").path("dc1").path("mode").path("mode").asText())
          .as("the pause is kept in the state dir").isEqualTo("paused");
      HttpResponse<String> resumed = post(again, "/clusters/dc1/resume", "{\"owner\":\"bob\"}");
      assertThat(resumed.statusCode()).isEqualTo(200);
      assertThat(json(resumed).path("resumed").asBoolean()).isTrue();
      assertThat(json(resumed).path("mode").path("mode").asText()).isEqualTo("dry-run");
      assertThat(json(get(again, "/status")).path("clusters").path("dc1").has("pause")).isFalse();
      assertThat(get(again, "/metrics").body()).contains("consul_watchdog_effective_mode{cluster=\"dc1\",mode=\"dry-run\"} 1.0");
    }
  }

  @Test
  void badPausesAreRefusedNamingTheFieldAndUnknownClustersAre404() throws Exception {
    try (Daemon d = Daemon.start(config(true, null))) {
      HttpResponse<String> forever = post(d, "/clusters/dc1/pause", "{\"for\":\"200h\",\"reason\":\"x\",\"owner\":\"al\"}");
      assertThat(forever.statusCode()).isEqualTo(400);
      assertThat(forever.body()).contains("for: must be between 1m and 168h").contains("200h");
      assertThat(post(d, "/clusters/dc1/pause", "{\"for\":\"2h\",\"owner\":\"al\"}").body()).contains("reason: is required");
      assertThat(post(d, "/clusters/dc1/pause", "{\"for\":\"2h\",\"reason\":\"x\",\"owner\":\"a b\"}").body())
          .contains("owner: must be a user name");
      HttpResponse<String> unknown = post(d, "/clusters/dc9/pause", "{\"for\":\"2h\",\"reason\":\"x\",\"owner\":\"al\"}");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(unknown.body()).contains("dc9").contains("dc1");
      assertThat(json(get(d, "/status")).path("clusters").path("dc1").path("mode").path("mode").asText())
          .isEqualTo("dry-run");
    }
  }

  @Test
  void withoutControlTokenFileTheControlEndpointsAreOff() throws Exception {
    try (Daemon d = Daemon.start(config(false, null))) {
      HttpResponse<String> r = post(d, "/clusters/dc1/pause", "{\"for\":\"2h\",\"reason\":\"x\",\"owner\":\"al\"}");
      assertThat(r.statusCode()).isEqualTo(405);
      assertThat(r.body()).contains("control_token_file");
    }
  }

  @Test
  void anAcknowledgementThroughTheApiClearsAnEscalationWhichTheLoopTakesUp() throws Exception {
    WatchdogConfig config = config(true, null);
    Instant t = Instant.now().minusSeconds(60);
    new RecoveryStatusStore(config.stateDir()).save(new RecoveryStatus("dc1", RecoveryState.ESCALATED, t,
        Optional.of("r9"), Optional.empty(), List.of(t, t, t), true, Optional.empty()));
    try (Daemon d = Daemon.start(config)) {
      HttpResponse<String> acked = post(d, "/clusters/dc1/ack", "{\"owner\":\"alice\",\"note\":\"disk replaced\"}");
      assertThat(acked.statusCode()).as(acked.body()).isEqualTo(200);
      assertThat(json(acked).path("acknowledged").asBoolean()).isTrue();
      assertThat(json(acked).path("message").asText()).contains("ESCALATED -> IDLE").contains("alice");
      await().atMost(Duration.ofSeconds(5)).until(() -> json(get(d, "/status")).path("clusters").path("dc1")
          .path("recovery").path("state").asText().equals("IDLE"));
      assertThat(new AuditJournal(config.stateDir(), "dc1", Clock.systemUTC()).read(AuditEvent.Acknowledged.class))
          .singleElement().satisfies(e -> assertThat(e.reason()).contains("alice: disk replaced"));
      assertThat(json(post(d, "/clusters/dc1/ack", "{\"owner\":\"alice\"}")).path("message").asText())
          .contains("nothing to acknowledge");
    }
  }

  @Test
  void healthAnswers503WhileALoopIsWedgedAndNamesIt() throws Exception {
    try (Daemon d = Daemon.start(config(true, null))) {
      await().atMost(Duration.ofSeconds(5)).until(() -> get(d, "/health").statusCode() == 200);
      try (HeldLoop wedged = HeldLoop.of(d.cluster("dc1").orElseThrow())) {
        // staleAfter = 3 x max(poll_interval 300ms, request_timeout 1s) = 3s
        await().atMost(Duration.ofSeconds(10)).until(() -> get(d, "/health").statusCode() == 503);
        JsonNode health = json(get(d, "/health"));
        assertThat(health.path("status").asText()).isEqualTo("DOWN");
        assertThat(health.path("clusters").path("dc1").path("live").asBoolean()).isFalse();
        assertThat(health.path("clusters").path("dc1").path("staleAfter").asText()).isEqualTo("3s");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> get(d, "/health").statusCode() == 200);
    }
  }
}
