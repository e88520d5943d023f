package io.consulwatchdog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.daemon.TickTiming;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Missed ticks are counted against the fixed-rate schedule, not against the ticks that happened to run. */
class TickStatsTest {
  private static final Duration SECOND = Duration.ofSeconds(1);
  private static final Instant FIRST_SLOT = Instant.parse("2026-12-01T00:00:00.300Z");
  private static final Instant END = FIRST_SLOT.plusMillis(10_500); // slots 0..9 had a whole second to start

  private static TickTiming tick(int slot, long lateMillis) {
    Instant scheduled = FIRST_SLOT.plusSeconds(slot);
    return new TickTiming("c", scheduled, scheduled.plusMillis(lateMillis), Duration.ofMillis(20),
        Optional.of(Duration.ofMillis(15)));
  }

  private static List<TickTiming> slots(int from, int to, long lateMillis) {
    List<TickTiming> ticks = new ArrayList<>();
    for (int s = from; s <= to; s++) {
      ticks.add(tick(s, lateMillis));
    }
    return ticks;
  }

  @Test
  void everySlotOnTimeIsNoMiss() {
    TickStats s = TickStats.of(slots(0, 10, 5), SECOND, FIRST_SLOT, END);
    assertThat(s).isEqualTo(new TickStats(10, 10, 0, 0));
  }

  @Test
  void slotsQuartzSkippedAreMissed() {
    List<TickTiming> ticks = slots(0, 3, 5);
    ticks.addAll(slots(6, 10, 5)); // slots 4 and 5 skipped as misfires
    assertThat(TickStats.of(ticks, SECOND, FIRST_SLOT, END)).isEqualTo(new TickStats(10, 8, 2, 0));
  }

  @Test
  void skippedFirstSlotsAreMissedToo() { // Quartz skips the first slots when they misfire
    assertThat(TickStats.of(slots(2, 10, 5), SECOND, FIRST_SLOT, END)).isEqualTo(new TickStats(10, 8, 2, 0));
  }

  @Test
  void aTickStartingMoreThanAnIntervalLateIsMissed() {
    List<TickTiming> ticks = slots(0, 10, 5);
    ticks.set(3, tick(3, 1200));
    ticks.set(4, tick(4, 900)); // late, but within its interval
    TickStats s = TickStats.of(ticks, SECOND, FIRST_SLOT, END);
    assertThat(s).isEqualTo(new TickStats(10, 10, 0, 1));
    assertThat(s.missed()).isEqualTo(1);
  }

  @Test
  void aClusterThatNeverTickedMissedEverySlot() {
    assertThat(TickStats.of(List.of(), SECOND, FIRST_SLOT, END).missed()).isEqualTo(10);
  }

  @Test
  void aWarmUpCanBeLeftOut() {
    List<TickTiming> ticks = slots(0, 10, 5);
    ticks.set(1, tick(1, 1500)); // a slow start
    ticks.remove(2);
    TickStats afterWarmUp = TickStats.of(ticks, SECOND, FIRST_SLOT, FIRST_SLOT.plusMillis(2500), END);
    assertThat(afterWarmUp).isEqualTo(new TickStats(7, 7, 0, 0)); // slots 3..9
    assertThat(TickStats.of(ticks, SECOND, FIRST_SLOT, END).missed()).isEqualTo(2);
  }
}
