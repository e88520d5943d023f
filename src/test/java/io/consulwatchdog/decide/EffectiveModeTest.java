package io.consulwatchdog.decide;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.MaintenanceWindow;
import io.consulwatchdog.config.RecoveryMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EffectiveModeTest {
  /** A Sunday, 02:30 UTC. */
  private static final Instant NOW = Instant.parse("2026-11-29T02:30:00Z");
  private static final MaintenanceWindow SUNDAY_NIGHT =
      new MaintenanceWindow("0 0 2 ? * SUN", Duration.ofHours(2), ZoneId.of("UTC"), "kernel patching");
  private static final MaintenanceWindow MONDAY_NIGHT =
      new MaintenanceWindow("0 0 2 ? * MON", Duration.ofHours(2), ZoneId.of("UTC"), "backups");
  private static final Pause PAUSE = new Pause("alice", "replacing disks", NOW.minusSeconds(600),
      NOW.plus(Duration.ofHours(2)));

  private static EffectiveMode resolve(RecoveryMode configured, Optional<Pause> pause, List<MaintenanceWindow> windows,
      Instant now) {
    return EffectiveMode.resolve(configured, ModeOverrides.none(), pause, windows, now);
  }

  @Test
  void withoutPauseOrOpenWindowTheConfiguredModeHolds() {
    EffectiveMode mode = resolve(RecoveryMode.AUTO, Optional.empty(), List.of(MONDAY_NIGHT), NOW);
    assertThat(mode.kind()).isEqualTo(EffectiveMode.Kind.AUTO);
    assertThat(mode.reason()).isEqualTo("recovery.mode in the config");
    assertThat(mode.until()).isEmpty();
  }

  @Test
  void anOpenMaintenanceWindowOnlyPlansUntilItCloses() {
    EffectiveMode mode = resolve(RecoveryMode.AUTO, Optional.empty(), List.of(MONDAY_NIGHT, SUNDAY_NIGHT), NOW);
    assertThat(mode.kind()).isEqualTo(EffectiveMode.Kind.MAINTENANCE);
    assertThat(mode.kind().plansOnly()).isTrue();
    assertThat(mode.mayAct()).isFalse();
    assertThat(mode.reason()).contains("kernel patching").contains("0 0 2 ? * SUN").contains("until 2026-11-29T04:00:00Z");
    assertThat(mode.until()).contains(Instant.parse("2026-11-29T04:00:00Z"));
    // the same inputs one minute after the window closed: auto again
    assertThat(resolve(RecoveryMode.AUTO, Optional.empty(), List.of(SUNDAY_NIGHT), Instant.parse("2026-11-29T04:00:00Z"))
        .kind()).isEqualTo(EffectiveMode.Kind.AUTO);
  }

  @Test
  void aPauseOnlyPlansNamesItsOwnerAndReasonAndWinsOverAWindow() {
    EffectiveMode mode = resolve(RecoveryMode.AUTO, Optional.of(PAUSE), List.of(SUNDAY_NIGHT), NOW);
    assertThat(mode.kind()).isEqualTo(EffectiveMode.Kind.PAUSED);
    assertThat(mode.mayAct()).isFalse();
    assertThat(mode.reason()).contains("paused by alice").contains("replacing disks").contains("until 2026-11-29T04:30:00Z");
    assertThat(mode.until()).contains(PAUSE.until());
  }

  @Test
  void anExpiredPauseNoLongerCounts() {
    Instant later = PAUSE.until();
    assertThat(PAUSE.activeAt(later)).isFalse();
    assertThat(PAUSE.activeAt(later.minusMillis(1))).isTrue();
    assertThat(resolve(RecoveryMode.DRY_RUN, Optional.of(PAUSE), List.of(), later).kind())
        .isEqualTo(EffectiveMode.Kind.DRY_RUN);
  }

  @Test
  void detectOnlyStaysDetectOnlyAndSaysWhatElseWouldApply() {
    EffectiveMode mode = resolve(RecoveryMode.DETECT_ONLY, Optional.of(PAUSE), List.of(SUNDAY_NIGHT), NOW);
    assertThat(mode.kind()).as("a pause or window never makes a detect-only cluster plan").isEqualTo(EffectiveMode.Kind.DETECT_ONLY);
    assertThat(mode.reason()).contains("recovery.mode in the config").contains("paused by alice");
  }

  @Test
  void aForcedDryRunGivesWayToAPauseOrWindowWhichSayWho() {
    ModeOverrides forced = new ModeOverrides(true);
    assertThat(EffectiveMode.resolve(RecoveryMode.AUTO, forced, Optional.empty(), List.of(), NOW).kind())
        .isEqualTo(EffectiveMode.Kind.DRY_RUN);
    assertThat(EffectiveMode.resolve(RecoveryMode.AUTO, forced, Optional.empty(), List.of(SUNDAY_NIGHT), NOW).kind())
        .isEqualTo(EffectiveMode.Kind.MAINTENANCE);
  }
}
