package io.consulwatchdog.bench;

import java.time.Duration;
import java.util.List;

/** Nearest-rank percentiles of durations, formatted in milliseconds. */
final class Percentiles {
  private final List<Duration> sorted;

  Percentiles(List<Duration> values) {
    this.sorted = values.stream().sorted().toList();
  }

  /** The value at or below which the given percentage of the values lie (nearest rank). */
  Duration at(double percent) {
    if (sorted.isEmpty()) {
      return Duration.ZERO;
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /** "p50 / p99 / max" in milliseconds. */
  String summary() {
    return String.format("%s / %s / %s ms", millis(at(50)), millis(at(99)), millis(at(100)));
  }

  private static String millis(Duration d) {
    return String.format("%.1f", d.toNanos() / 1e6);
  }
}
