package io.consulwatchdog.bench;

import io.consulwatchdog.daemon.TickTiming;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Missed ticks of one cluster, counted against its fixed-rate schedule: a slot of the schedule is missed
 * when no tick ran for it (Quartz skipped it as a misfire, e.g. because the previous tick overran) or
 * when its tick started more than one interval after the slot.
 *
 * @param slots schedule slots from the first one to the end of the run that had a whole interval to start
 * @param ran ticks that ran for those slots
 * @param skipped slots no tick ran for
 * @param late ticks that started more than one interval after their slot
 */
public record TickStats(int slots, int ran, int skipped, int late) {

  /** Slots missed: skipped plus late. */
  public int missed() {
    return skipped + late;
  }

  /** The counts of two clusters (or windows) together. */
  public TickStats plus(TickStats other) {
    return new TickStats(slots + other.slots, ran + other.ran, skipped + other.skipped, late + other.late);
  }

  /** Counts one cluster's ticks for the slots at or after {@code from} only (e.g. leaving out a warm-up). */
  public static TickStats of(List<TickTiming> ticks, Duration interval, Instant firstSlot, Instant from, Instant end) {
    long step = interval.toNanos();
    long behind = Math.max(0, Duration.between(firstSlot, from).toNanos());
    Instant first = firstSlot.plusNanos((behind + step - 1) / step * step);
    return of(ticks.stream().filter(t -> !t.scheduled().isBefore(first)).toList(), interval, first, end);
  }

  /**
   * Counts one cluster's ticks.
   *
   * @param ticks the cluster's ticks, any order
   * @param interval the cluster's poll interval
   * @param firstSlot when the schedule's first tick was due
   * @param end the end of the run
   */
  public static TickStats of(List<TickTiming> ticks, Duration interval, Instant firstSlot, Instant end) {
    int slots = slotsBetween(firstSlot, end, interval.toNanos());
    int ran = 0;
    int late = 0;
    for (TickTiming t : ticks) {
      if (!t.scheduled().plus(interval).isAfter(end)) {
        ran++;
        if (t.lateness().compareTo(interval) > 0) {
          late++;
        }
      }
    }
    return new TickStats(slots, ran, slots - ran, late);
  }

  /** Slots at start + k * step (k >= 0) with a whole step left before end. */
  private static int slotsBetween(Instant start, Instant end, long step) {
    long span = nanos(start, end) - step;
    return span < 0 ? 0 : (int) (span / step) + 1;
  }

  private static long nanos(Instant from, Instant to) {
    return Duration.between(from, to).toNanos();
  }
}
