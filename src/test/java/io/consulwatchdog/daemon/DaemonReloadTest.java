package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.ChildJvm;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.recover.ClusterReconciler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Daemon.reload: only what changed changes, and a changed cluster takes its new config between two ticks. */
class DaemonReloadTest {
  @TempDir Path dir;

  private WatchdogConfig config(String... clusters) throws Exception {
    StringBuilder yaml = new StringBuilder("state_dir: " + dir.resolve("state") + "\nlisten_address: 127.0.0.1:0\n"
        + "clusters:\n");
    for (String c : clusters) {
      String[] nameAndPoll = c.split("@");
      yaml.append("  - name: ").append(nameAndPoll[0]).append("\n    poll_interval: ")
          .append(nameAndPoll.length > 1 ? nameAndPoll[1] : "300ms").append("\n    request_timeout: 1s\n")
          .append("    servers:\n      - {name: s1, http_address: \"http://127.0.0.1:1\"}\n");
    }
    Path file = dir.resolve("config.yml");
    Files.writeString(file, yaml.toString());
    return new ConfigLoader().load(file);
  }

  @Test
  void addedClustersStartRemovedOnesStopAndUnchangedOnesKeepTheirLoop() throws Exception {
    try (Daemon d = Daemon.start(config("dc1", "dc2"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> d.latest("dc1").isPresent() && d.latest("dc2").isPresent());
      ClusterReconciler dc1Loop = d.cluster("dc1").orElseThrow().reconciler();

      ConfigChange change = d.reload(config("dc1", "dc3"));

      assertThat(change.added()).containsExactly("dc3");
      assertThat(change.removed()).containsExactly("dc2");
      assertThat(change.unchanged()).containsExactly("dc1");
      assertThat(d.cluster("dc1").orElseThrow().reconciler()).as("dc1 untouched").isSameAs(dc1Loop);
      assertThat(d.cluster("dc2")).isEmpty();
      await().atMost(Duration.ofSeconds(10)).until(() -> d.latest("dc3").isPresent());
      ChildJvm.Result probe = ChildJvm.run(LockProbe.class, Map.of(), Duration.ofSeconds(30),
          dir.resolve("state").toString(), "dc2", "try");
      assertThat(probe.exit()).as("dc2's lock was released: " + probe.output()).isZero();
      ChildJvm.Result held = ChildJvm.run(LockProbe.class, Map.of(), Duration.ofSeconds(30),
          dir.resolve("state").toString(), "dc3", "try");
      assertThat(held.exit()).as("dc3's lock is held by the daemon").isEqualTo(75);
    }
  }

  @Test
  void aChangedClusterTakesItsNewConfigOnlyOnceTheTickUnderWayHasEnded() throws Exception {
    try (Daemon d = Daemon.start(config("dc1"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> d.latest("dc1").isPresent());
      WatchedCluster dc1 = d.cluster("dc1").orElseThrow();
      ClusterReconciler before = dc1.reconciler();
      try (HeldLoop longTick = HeldLoop.of(dc1)) { // stands for a long tick (a recovery) under way
        ConfigChange change = d.reload(config("dc1@2s"));
        assertThat(change.changed()).containsExactly("dc1");
        assertThat(dc1.reconciler()).as("not replaced under the running tick").isSameAs(before);
        assertThat(dc1.config().pollInterval()).isEqualTo(Duration.ofMillis(300));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> dc1.reconciler() != before);
      assertThat(dc1.config().pollInterval()).isEqualTo(Duration.ofSeconds(2));
      assertThat(d.cluster("dc1")).containsSame(dc1);
    }
  }

  @Test
  void anIntervalChangedBackBeforeTheFirstChangeWasTakenUpIsScheduledAgain() throws Exception {
    try (Daemon d = Daemon.start(config("dc1"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> d.latest("dc1").isPresent());
      WatchedCluster dc1 = d.cluster("dc1").orElseThrow();
      try (HeldLoop longTick = HeldLoop.of(dc1)) {
        d.reload(config("dc1@5s")); // rescheduled to 5 s; the new loop waits for the tick under way
        d.reload(config("dc1@300ms")); // back to 300 ms while the 5 s config is still pending
      }
      Set<Instant> polls = new HashSet<>();
      await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(50)).until(() -> {
        d.latest("dc1").ifPresent(v -> polls.add(v.at()));
        return polls.size() >= 5;
      });
    }
  }
}
