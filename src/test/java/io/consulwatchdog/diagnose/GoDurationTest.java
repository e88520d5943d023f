package io.consulwatchdog.diagnose;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoDurationTest {
  @Test
  void parsesWhatConsulPrints() {
    assertThat(GoDuration.parse("14.01941446s")).contains(Duration.ofNanos(14_019_414_460L));
    assertThat(GoDuration.parse("85.4ms")).contains(Duration.ofNanos(85_400_000));
    assertThat(GoDuration.parse("1m2.5s")).contains(Duration.ofMillis(62_500));
    assertThat(GoDuration.parse("2h0m0s")).contains(Duration.ofHours(2));
    assertThat(GoDuration.parse("0")).contains(Duration.ZERO);
  }

  @Test
  void neverAndGarbageAreEmpty() {
    assertThat(GoDuration.parse("never")).isEmpty();
    assertThat(GoDuration.parse("")).isEmpty();
    assertThat(GoDuration.parse("12 s")).isEmpty();
    assertThat(GoDuration.parse(null)).isEmpty();
  }
}
