package io.consulwatchdog.daemon;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.LogCapture;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.MaintenanceWindow;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.decide.Pause;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.recover.PauseStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModeTrackerTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0); // a Wednesday, 21:00 UTC
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
  /** Every day from 22:00 for one hour. */
  private final ClusterConfig cluster = Fixtures.cluster(Fixtures.recovery(RecoveryMode.AUTO,
      List.of("restart-down-servers")), Fixtures.threeServers(), List.of())
      .withMaintenanceWindows(List.of(new MaintenanceWindow("0 0 22 * * ?", Duration.ofHours(1), ZoneId.of("UTC"),
          "nightly backup")));

  private double gauge(String mode) {
    return registry.find("consul_watchdog_effective_mode").tag("cluster", cluster.name()).tag("mode", mode).gauge()
        .value();
  }

  @Test
  void followsPausesAndWindowsOverTimeAndExportsEachChange() {
    PauseStore pauses = new PauseStore(dir);
    ModeTracker tracker = new ModeTracker(cluster, ModeOverrides.none(), pauses, clock, metrics);
    try (LogCapture log = LogCapture.of(ModeTracker.class)) {
      assertThat(tracker.get().kind()).isEqualTo(EffectiveMode.Kind.AUTO);
      assertThat(gauge("auto")).isEqualTo(1);

      pauses.save(cluster.name(), new Pause("alice", "disks", T0, T0.plus(Duration.ofMinutes(30))));
      assertThat(tracker.get().kind()).isEqualTo(EffectiveMode.Kind.PAUSED);
      assertThat(gauge("paused")).isEqualTo(1);
      assertThat(gauge("auto")).isZero();

      clock.advance(Duration.ofMinutes(30)); // the pause expires by itself
      assertThat(tracker.get().kind()).isEqualTo(EffectiveMode.Kind.AUTO);
      clock.advance(Duration.ofMinutes(30)); // 22:00: the window opens
      assertThat(tracker.get().kind()).isEqualTo(EffectiveMode.Kind.MAINTENANCE);
      assertThat(tracker.get().kind()).isEqualTo(EffectiveMode.Kind.MAINTENANCE);
      assertThat(gauge("maintenance")).isEqualTo(1);

      assertThat(log.all()).as("one line per change, none per read").hasSize(4);
      assertThat(log.all().get(1)).contains("auto -> paused").contains("alice");
      assertThat(log.all().get(3)).contains("auto -> maintenance").contains("nightly backup");
    }
  }
}
