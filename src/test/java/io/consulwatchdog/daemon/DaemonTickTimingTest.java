package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.decide.ModeOverrides;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon tells a tick listener when each tick was scheduled, when it started and how long it took. */
class DaemonTickTimingTest {
  private static final Duration INTERVAL = Duration.ofMillis(200);

  @TempDir Path dir;

  @Test
  void everyTickOfEveryClusterIsReportedWithItsScheduledTime() throws Exception {
    URI refused = closedPort();
    WatchdogConfig config = new WatchdogConfig(Optional.empty(), dir.resolve("state"), "127.0.0.1:0",
        List.of(cluster("a", refused), cluster("b", refused)));
    RecordingTickListener listener = new RecordingTickListener();
    try (Daemon daemon = Daemon.start(config, ModeOverrides.none(), listener)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.ticks("b").size() >= 3);
    }
    List<TickTiming> a = listener.ticks("a");
    assertThat(a).hasSizeGreaterThanOrEqualTo(2);
    assertThat(a.get(0).scheduled()).isEqualTo(listener.firstTick("a"));
    assertThat(listener.firstTick("b")).isAfter(listener.firstTick("a")); // staggered
    for (int i = 1; i < a.size(); i++) {
      // Quartz schedules at a fixed rate: consecutive scheduled times are whole intervals apart.
      assertThat(Duration.between(a.get(i - 1).scheduled(), a.get(i).scheduled()).toMillis() % INTERVAL.toMillis())
          .isZero();
    }
    assertThat(listener.ticks()).allSatisfy(t -> {
      assertThat(t.started()).isAfterOrEqualTo(t.scheduled().minusMillis(5));
      assertThat(t.pollTook()).hasValueSatisfying(p -> assertThat(p).isPositive().isLessThanOrEqualTo(t.tickTook()));
    });
  }

  private static ClusterConfig cluster(String name, URI server) {
    return new ClusterConfig(name, List.of(new ServerConfig("s1", server, Optional.empty(), new NoExecutorConfig())),
        List.of(), INTERVAL, Duration.ofMillis(150), Optional.empty(), TlsConfig.defaults(), RecoveryConfig.defaults());
  }

  private static URI closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }
}
