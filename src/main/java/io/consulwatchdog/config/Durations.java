package io.consulwatchdog.config;

import java.time.Duration;
import java.util.Optional;

/** Durations as the config file and the command line write them: 500ms, 5s, 2m, 1h, 1m30s. */
public final class Durations {
  private Durations() {}

  /** Parses a duration, or returns empty when the text is not one. */
  public static Optional<Duration> parse(String text) {
    return ConfigNode.parseDuration(text);
  }

  /** Formats a duration in the same notation. */
  public static String format(Duration d) {
    return ConfigNode.show(d);
  }
}
