package io.consulwatchdog.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class MaintenanceWindowTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  /** Sundays from 02:00 to 04:00, Berlin time. */
  private static final MaintenanceWindow SUNDAY_NIGHT =
      new MaintenanceWindow("0 0 2 ? * SUN", Duration.ofHours(2), BERLIN, "kernel patching");

  private static Instant berlin(String localDateTime) {
    return ZonedDateTime.of(LocalDateTime.parse(localDateTime), BERLIN).toInstant();
  }

  @Test
  void activeFromTheStartOfEachFireTimeForItsDurationInItsOwnZone() {
    // 2026-11-29 is a Sunday (winter time, UTC+1)
    assertThat(SUNDAY_NIGHT.activeUntil(berlin("2026-11-29T01:59:59"))).isEmpty();
    assertThat(SUNDAY_NIGHT.activeUntil(berlin("2026-11-29T02:00:00"))).contains(berlin("2026-11-29T04:00:00"));
    assertThat(SUNDAY_NIGHT.activeUntil(berlin("2026-11-29T03:59:59"))).contains(berlin("2026-11-29T04:00:00"));
    assertThat(SUNDAY_NIGHT.activeUntil(berlin("2026-11-29T04:00:00"))).isEmpty();
    assertThat(SUNDAY_NIGHT.activeUntil(berlin("2026-11-28T03:00:00"))).as("a Saturday").isEmpty();
    // 02:00 Berlin is 01:00 UTC in winter: the zone is the window's, not the machine's
    assertThat(SUNDAY_NIGHT.activeUntil(Instant.parse("2026-11-29T01:30:00Z"))).isPresent();
    assertThat(SUNDAY_NIGHT.activeUntil(Instant.parse("2026-11-29T03:30:00Z"))).isEmpty();
  }

  @Test
  void overlappingFireTimesExtendTheWindowToTheLatestStartsEnd() {
    // every hour on the hour, 90 minutes each: at 10:45 both the 09:00 and the 10:00 window are open
    MaintenanceWindow hourly = new MaintenanceWindow("0 0 * * * ?", Duration.ofMinutes(90), ZoneId.of("UTC"), "x");
    assertThat(hourly.activeUntil(Instant.parse("2026-11-29T10:45:00Z"))).contains(Instant.parse("2026-11-29T11:30:00Z"));
  }

  @Test
  void describesItselfWithCronDurationZoneAndReason() {
    assertThat(SUNDAY_NIGHT.describe()).isEqualTo("maintenance window \"kernel patching\" (0 0 2 ? * SUN, 2h, Europe/Berlin)");
  }
}
