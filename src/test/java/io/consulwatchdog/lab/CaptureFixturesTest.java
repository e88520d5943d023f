package io.consulwatchdog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Rewrites src/test/resources/fixtures from real Consul clusters in the states the diagnosis must tell
 * apart. Runs only on request: mvn -B test -Dgroups=capture -DexcludedGroups=
 */
@Tag("capture")
@EnabledIfSystemProperty(named = "groups", matches = ".*capture.*")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaptureFixturesTest {
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(15);
  private final FixtureCapture fixtures = FixtureCapture.inProject();

  @Test
  @Order(1)
  void healthyThenLeaderKilledThenTwoKilledThenAllDown() {
    try (LabCluster lab = LabCluster.start(LabOptions.defaults().withNamePrefix("consul"))) {
      lab.awaitLeader(LEADER_TIMEOUT);
      lab.putKeys("fixture", 20);
      pause(Duration.ofSeconds(3));
      LabServer leader = lab.awaitLeader(LEADER_TIMEOUT);
      capture(lab, "healthy");

      lab.kill(leader.name());
      Instant killed = Instant.now();
      capture(lab, "leader-killed");
      long afterKill = Duration.between(killed, Instant.now()).toMillis();
      System.out.printf("capture: leader-killed written %d ms after SIGKILL of %s%n", afterKill, leader);
      assertThat(afterKill).isLessThan(1000);

      LabServer next = lab.awaitLeader(LEADER_TIMEOUT);
      pause(Duration.ofSeconds(1));
      capture(lab, "leader-reelected");

      lab.kill(next.name());
      pause(Duration.ofSeconds(10));
      capture(lab, "two-killed");

      lab.runningServers().forEach(s -> lab.kill(s.name()));
      capture(lab, "all-down");
    }
  }

  @Test
  @Order(2)
  void twoOfThreeReplaced() {
    captureReplaced(3, 2, "two-replaced");
  }

  @Test
  @Order(3)
  void threeOfFiveReplaced() {
    captureReplaced(5, 3, "five-three-replaced");
  }

  /** Five healthy servers: the answers the scale benchmark's agent simulator replays (see bench.AgentSimulator). */
  @Test
  @Order(4)
  void fiveHealthy() {
    try (LabCluster lab = LabCluster.start(LabOptions.defaults().withServers(5).withNamePrefix("consul"))) {
      lab.awaitLeader(LEADER_TIMEOUT);
      lab.putKeys("fixture", 20);
      pause(Duration.ofSeconds(3));
      lab.awaitLeader(LEADER_TIMEOUT);
      capture(lab, "five-healthy");
    }
  }

  private void captureReplaced(int servers, int replaced, String state) {
    try (LabCluster lab = LabCluster.start(LabOptions.defaults().withServers(servers).withNamePrefix("consul"))) {
      lab.awaitLeader(LEADER_TIMEOUT);
      lab.putKeys("fixture", 20);
      List<String> gone = lab.servers().stream().limit(replaced).map(LabServer::name).toList();
      lab.replace(gone);
      pause(Duration.ofSeconds(15));
      assertThat(lab.leaderViews()).as("stuck: no live server sees a leader").allSatisfy((name, body) ->
          assertThat(body).isEqualTo("\"\""));
      capture(lab, state);
    }
  }

  private void capture(LabCluster lab, String state) {
    Path dir = fixtures.capture(lab, state);
    System.out.printf("capture: %s -> %s (%s)%n", state, dir, lab.servers());
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
