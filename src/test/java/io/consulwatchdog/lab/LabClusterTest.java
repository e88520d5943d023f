package io.consulwatchdog.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real Consul 1.8.7 clusters on loopback: start, elect, lose the leader, stop/start, get stuck, clean up. */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class LabClusterTest {
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(15);

  @Test
  void threeServersElectALeaderAndServeKeys(TestLabCluster lab) {
    LabServer leader = lab.awaitLeader(LEADER_TIMEOUT);
    long millis = Duration.between(lab.startedAt(), Instant.now()).toMillis();
    System.out.printf("lab: startup to agreed leader took %d ms (leader %s, block %s)%n",
        millis, leader, lab.addressBlock());

    assertThat(lab.servers()).hasSize(3).allMatch(LabServer::running);
    assertThat(lab.servers()).extracting(LabServer::address)
        .allMatch(a -> a.startsWith(lab.addressBlock().replace("0/24", "")));
    assertThat(lab.servers()).extracting(s -> s.nodeId().orElse("")).doesNotContain("").doesNotHaveDuplicates();
    lab.putKeys("smoke", 20);
    assertThat(lab.readKeys("smoke")).hasSize(20).containsEntry(TestLabCluster.keyName("smoke", 7), "value-7");
  }

  @Test
  void killingTheLeaderLetsTheOtherTwoElectAnother(TestLabCluster lab) {
    LabServer old = lab.awaitLeader(LEADER_TIMEOUT);
    long pid = old.pid().orElseThrow();
    Instant killed = Instant.now();
    lab.kill(old.name());

    assertThat(old.running()).isFalse();
    assertThat(ProcessTable.isLive(pid)).isFalse();
    LabServer next = lab.awaitLeader(LEADER_TIMEOUT);
    System.out.printf("lab: new leader %s %d ms after SIGKILL of %s%n",
        next, Duration.between(killed, Instant.now()).toMillis(), old);
    assertThat(next.name()).isNotEqualTo(old.name());
    assertThat(lab.runningServers()).hasSize(2).doesNotContain(old);
  }

  @Test
  void stoppingAndStartingEveryServerKeepsTheData(TestLabCluster lab) {
    lab.awaitLeader(LEADER_TIMEOUT);
    lab.putKeys("kept", 50);
    List<String> nodeIds = lab.servers().stream().map(s -> s.nodeId().orElseThrow()).toList();
    LabServer first = lab.servers().get(0);
    assertThat(ControlScript.run(first, "status").exitCode()).isZero();

    for (LabServer s : lab.servers()) {
      lab.stop(s.name());
    }
    assertThat(lab.runningServers()).isEmpty();
    assertThat(ControlScript.run(first, "status").exitCode()).isEqualTo(3);
    assertThat(ControlScript.run(first, "stop").exitCode()).as("stop when stopped").isZero();
    assertThat(ControlScript.run(first, "bogus").exitCode()).isEqualTo(2);

    for (LabServer s : lab.servers()) {
      lab.start(s.name());
    }
    long pid = first.pid().orElseThrow();
    LabCommand.Outcome again = ControlScript.run(first, "start");
    assertThat(again.exitCode()).as("start when running").isZero();
    assertThat(again.output()).contains("already running");
    assertThat(first.pid()).hasValue(pid);

    lab.awaitLeader(LEADER_TIMEOUT);
    assertThat(lab.readKeys("kept")).hasSize(50).containsEntry(TestLabCluster.keyName("kept", 49), "value-49");
    assertThat(lab.servers().stream().map(s -> s.nodeId().orElseThrow()).toList()).isEqualTo(nodeIds);
  }

  @Test
  void replacingTwoOfThreeLeavesEveryLiveServerWithoutALeader(TestLabCluster lab) {
    lab.awaitLeader(LEADER_TIMEOUT);
    lab.putKeys("before", 10);
    List<LabServer> old = lab.servers();
    LabServer survivor = old.get(2);

    List<LabServer> fresh = lab.replace(List.of(old.get(0).name(), old.get(1).name()));

    assertThat(fresh).hasSize(2).allMatch(LabServer::running);
    assertThat(lab.servers()).containsExactly(survivor, fresh.get(0), fresh.get(1));
    assertThat(lab.retired()).containsExactly(old.get(0), old.get(1));
    assertThat(old.get(0).dataDir()).doesNotExist();
    await().atMost(20, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250))
        .until(() -> allAnswerNoLeader(lab.leaderViews()));
    Instant since = Instant.now();
    List<Map<String, String>> seen = new ArrayList<>();
    while (Duration.between(since, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0) {
      Map<String, String> views = lab.leaderViews();
      seen.add(views);
      assertThat(views).as("every live server's /v1/status/leader").hasSize(3).allSatisfy((name, body) ->
          assertThat(body).as(name).isEqualTo("\"\""));
      sleep(500);
    }
    System.out.printf("lab: no leader on any of 3 live servers for 10 s (%d polls)%n", seen.size());

    EndpointResult peers = lab.get(survivor.name(), Endpoints.STATUS_PEERS);
    assertThat(peers).isInstanceOfSatisfying(EndpointResult.Answer.class, a -> assertThat(a.body())
        .as("survivor's raft configuration still lists the dead voters")
        .contains(old.get(0).raftAddress(), old.get(1).raftAddress(), survivor.raftAddress()));
  }

  @Test
  void anAddedServerJoinsAndTheClusterConfigControlsServersThroughCtl(TestLabCluster lab) throws Exception {
    LabServer leader = lab.awaitLeader(LEADER_TIMEOUT);
    LabServer added = lab.addServer();
    await().atMost(15, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
        assertThat(lab.get(leader.name(), Endpoints.STATUS_PEERS))
            .isInstanceOfSatisfying(EndpointResult.Answer.class, a -> assertThat(a.body()).contains(added.raftAddress())));

    ClusterConfig config = lab.clusterConfig(RecoveryConfig.defaults());
    assertThat(config.servers()).extracting(ServerConfig::name).containsExactlyElementsOf(
        lab.servers().stream().map(LabServer::name).toList());
    ServerConfig last = config.servers().get(3);
    assertThat(last.httpAddress()).isEqualTo(added.httpUri());
    assertThat(last.dataDir()).contains(added.dataDir().toString());
    assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.aclToken()).isEmpty();
    LocalExecutorConfig executor = (LocalExecutorConfig) last.executor();

    // run the argv as the local executor would: no shell, the exit code is the verdict
    assertThat(runArgv(executor.stop())).isZero();
    assertThat(added.running()).isFalse();
    assertThat(runArgv(executor.start())).isZero();
    assertThat(added.running()).isTrue();
    assertThat(runArgv(executor.restart())).isZero();
    assertThat(added.running()).isTrue();
    assertThat(lab.startedPids()).doesNotContain(added.pid().orElseThrow());

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> lab.wipe(added.name()))
        .isInstanceOf(IllegalStateException.class);
    lab.stop(added.name());
    lab.wipe(added.name());
    assertThat(added.dataDir()).doesNotExist();
  }

  private static int runArgv(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(40, TimeUnit.SECONDS)).as("%s finished", argv).isTrue();
    return p.exitValue();
  }

  @Test
  void closeKillsEveryProcessItEverStarted() throws Exception {
    TestLabCluster lab = TestLabCluster.start(LabOptions.defaults().withServers(2).withNamePrefix("lab-close"));
    List<Long> pids = new ArrayList<>();
    try {
      LabServer a = lab.servers().get(0);
      LabServer b = lab.servers().get(1);
      pids.add(a.pid().orElseThrow());
      pids.add(b.pid().orElseThrow());
      lab.kill(a.name());
      lab.start(a.name());
      pids.add(a.pid().orElseThrow());
      // an outside restart through ctl.sh (as the watchdog's local executor does): not tracked until close
      assertThat(ControlScript.run(b, "restart").exitCode()).isZero();
      pids.add(b.pid().orElseThrow());
      lab.replace(a.name());
      pids.add(lab.servers().get(1).pid().orElseThrow());
      assertThat(pids).doesNotHaveDuplicates().hasSize(5);
    } finally {
      lab.close();
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d alive", pid).isFalse();
    }
    assertThat(lab.startedPids()).containsAll(pids);
    if (!Boolean.getBoolean(LabCluster.KEEP_PROPERTY)) {
      assertThat(Files.exists(lab.baseDir())).isFalse();
    }
    lab.close();
  }

  private static boolean allAnswerNoLeader(Map<String, String> views) {
    return views.size() == 3 && views.values().stream().allMatch("\"\""::equals);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
