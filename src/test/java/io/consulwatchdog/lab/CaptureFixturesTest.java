package io.consulwatchdog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.lab.FixtureCapture.Token;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
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
    try (TestLabCluster lab = TestLabCluster.start(LabOptions.defaults().withNamePrefix("consul"))) {
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

  @Test
  @Order(4)
  void twoOfThreeReplacedWithAcls() {
    try (TestLabCluster lab = TestLabCluster.start(LabOptions.defaults().withNamePrefix("consul").withAcl())) {
      // the leader goes first: a surviving leader would replicate its ACL state to the fresh servers
      String leader = lab.awaitLeader(LEADER_TIMEOUT).name();
      lab.putKeys("fixture", 20);
      List<String> followers = lab.servers().stream().map(LabServer::name).filter(n -> !n.equals(leader)).toList();
      lab.replace(List.of(leader, followers.get(0)));
      pause(Duration.ofSeconds(15));
      assertThat(lab.leaderViews()).as("stuck: no live server sees a leader").allSatisfy((name, body) ->
          assertThat(body).isEqualTo("\"\""));
      LabAcl acl = lab.acl().orElseThrow();
      capture(lab, "two-replaced-acl-management", endpoint -> Token.management(acl));
      capture(lab, "two-replaced-acl-agent-token", endpoint -> endpoint.startsWith("/v1/agent/")
          ? Token.agentMaster(acl) : Token.management(acl));
      capture(lab, "two-replaced-acl-no-token", endpoint -> Token.none());
    }
  }

  /** Five healthy servers: the answers the scale benchmark's agent simulator replays (see bench.AgentSimulator). */
  @Test
  @Order(5)
  void fiveHealthy() {
    try (TestLabCluster lab = TestLabCluster.start(LabOptions.defaults().withServers(5).withNamePrefix("consul"))) {
      lab.awaitLeader(LEADER_TIMEOUT);
      lab.putKeys("fixture", 20);
      pause(Duration.ofSeconds(3));
      lab.awaitLeader(LEADER_TIMEOUT);
      capture(lab, "five-healthy");
    }
  }

  private void captureReplaced(int servers, int replaced, String state) {
    try (TestLabCluster lab = TestLabCluster.start(LabOptions.defaults().withServers(servers).withNamePrefix("consul"))) {
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

  private void capture(TestLabCluster lab, String state) {
    capture(lab, state, endpoint -> Token.none());
  }

  private void capture(TestLabCluster lab, String state, Function<String, Token> tokenFor) {
    Path dir = fixtures.capture(lab, state, tokenFor);
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
