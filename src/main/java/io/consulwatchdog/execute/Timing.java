package io.consulwatchdog.execute;

import java.time.Duration;

/** Small helpers for durations and one-line error text shared by the executors. */
final class Timing {
  private Timing() {}

  /** Wall time since a System.nanoTime() reading. */
  static Duration since(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  /** A duration as people write it: 500ms, 30s, 2m5s. */
  static String human(Duration d) {
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
  }

  /** Collapses a possibly multi-line or null message into one line. */
  static String oneLine(String message) {
    if (message == null || message.isBlank()) {
      return "(no detail)";
    }
    return message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }
}
