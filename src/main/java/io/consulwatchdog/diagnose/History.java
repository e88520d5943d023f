package io.consulwatchdog.diagnose;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * What the watchdog remembers of one cluster's recent polls: an immutable value, updated per poll.
 *
 * @param lastLeaderSeenAt when a poll last saw an agreed leader
 * @param leaderlessSince when the current run of leaderless polls began, if one is under way
 * @param leaderlessSinceNanos the same moment on the monotonic clock (durations are measured with it)
 * @param recent the most recent verdicts, newest last, at most {@link #MAX_RECENT}
 */
public record History(Optional<Instant> lastLeaderSeenAt, Optional<Instant> leaderlessSince,
    Optional<Long> leaderlessSinceNanos, List<Verdict> recent) {

  /** How many verdicts are kept. */
  public static final int MAX_RECENT = 64;

  public History {
    recent = List.copyOf(recent);
  }

  /** No polls yet. */
  public static History empty() {
    return new History(Optional.empty(), Optional.empty(), Optional.empty(), List.of());
  }

  /** The history after one more verdict. */
  public History record(Verdict verdict) {
    Deque<Verdict> next = new ArrayDeque<>(recent);
    next.addLast(verdict);
    while (next.size() > MAX_RECENT) {
      next.removeFirst();
    }
    boolean hasLeader = verdict.leader().isPresent();
    Optional<Instant> seen = hasLeader ? Optional.of(verdict.at()) : lastLeaderSeenAt;
    Optional<Instant> since;
    Optional<Long> sinceNanos;
    if (hasLeader || verdict.code() == DiagnosisCode.UNOBSERVABLE) {
      since = hasLeader ? Optional.empty() : leaderlessSince;
      sinceNanos = hasLeader ? Optional.empty() : leaderlessSinceNanos;
    } else if (leaderlessSince.isPresent()) {
      since = leaderlessSince;
      sinceNanos = leaderlessSinceNanos;
    } else {
      since = Optional.of(verdict.at());
      sinceNanos = Optional.of(verdict.monotonicNanos());
    }
    return new History(seen, since, sinceNanos, List.copyOf(next));
  }

  /** How long no leader has been seen, on the monotonic clock, up to the given monotonic stamp. */
  public Optional<Duration> leaderlessFor(long nowNanos) {
    return leaderlessSinceNanos.map(since -> Duration.ofNanos(Math.max(0, nowNanos - since)));
  }

  /** The newest verdict, if any. */
  public Optional<Verdict> latest() {
    return recent.isEmpty() ? Optional.empty() : Optional.of(recent.get(recent.size() - 1));
  }
}
