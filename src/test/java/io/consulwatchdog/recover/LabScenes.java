package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Scenes the recovery lab tests share: what the watchdog knew before, and how the cluster broke. */
final class LabScenes {
  private LabScenes() {}

  /** One poll of the healthy cluster: the last-known-good topology (who the voters are) goes to the state dir. */
  static void learnTopology(ClusterConfig healthy, Path stateDir, Clock clock) {
    try (HttpClusterObserver observer = new HttpClusterObserver(clock)) {
      ReconcilerFactory.standard(observer, s -> {
        throw new IllegalStateException("this poll only looks");
      }, new HttpLeaderRead(), stateDir, new WatchdogMetrics(new SimpleMeterRegistry(), clock), clock)
          .poller(healthy).poll();
    }
  }

  /** Replaces the leader and one follower by fresh servers (the stuck state of issue 993); returns the survivor. */
  static String replaceLeaderAndOneFollower(TestLabCluster lab) {
    LabServer leader = lab.awaitLeader(Duration.ofSeconds(10));
    String follower = lab.servers().stream().map(LabServer::name).filter(n -> !n.equals(leader.name())).findFirst()
        .orElseThrow();
    String survivor = lab.servers().stream().map(LabServer::name)
        .filter(n -> !n.equals(leader.name()) && !n.equals(follower)).findFirst().orElseThrow();
    lab.cluster().replace(List.of(leader.name(), follower));
    return survivor;
  }
}
