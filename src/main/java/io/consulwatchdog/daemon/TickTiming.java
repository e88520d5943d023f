package io.consulwatchdog.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How one cluster's tick ran against its schedule.
 *
 * @param cluster the cluster's name
 * @param scheduled when the schedule wanted the tick to start (Quartz's scheduled fire time)
 * @param started when the tick actually started
 * @param tickTook the whole tick: poll, diagnosis, decision and, if one ran, a recovery
 * @param pollTook the observation of every server by this tick (empty if the tick failed before polling)
 */
public record TickTiming(String cluster, Instant scheduled, Instant started, Duration tickTook,
    Optional<Duration> pollTook) {

  /** How much later than its schedule the tick started (zero if it started early). */
  public Duration lateness() {
    Duration late = Duration.between(scheduled, started);
    return late.isNegative() ? Duration.ZERO : late;
  }
}
