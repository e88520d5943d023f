package io.consulwatchdog.daemon;

import io.consulwatchdog.observe.ClusterSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether one cluster's loop is alive: it is while it made progress (finished an observation, a leader read
 * or an executor operation) within its limit, or while an operation is under way within that operation's own
 * timeout (a recovery step may rightly take minutes). A loop stuck anywhere else stops being live after the
 * limit: /health then answers 503 and the systemd watchdog ping stops.
 */
final class LoopProgress {
  /** How long past its own timeout an operation may run before the loop counts as wedged. */
  static final Duration OPERATION_GRACE = Duration.ofSeconds(30);

  private final Clock clock;
  private final Map<Operation, Instant> underWay = new ConcurrentHashMap<>();
  private volatile Duration staleAfter;
  private volatile Instant lastProgress;
  private volatile ClusterSnapshot latest;

  /** A loop starting now, allowed staleAfter without progress (the first poll included). */
  LoopProgress(Clock clock, Duration staleAfter) {
    this.clock = clock;
    this.staleAfter = staleAfter;
    this.lastProgress = clock.instant();
  }

  /** Changes the limit (the cluster's poll interval changed on a reload). */
  void staleAfter(Duration limit) {
    this.staleAfter = limit;
  }

  /** The limit without progress. */
  Duration staleAfter() {
    return staleAfter;
  }

  /** Records progress now. */
  void progressed() {
    lastProgress = clock.instant();
  }

  /** Records a finished observation: progress, and the snapshot /status shows. */
  void observed(ClusterSnapshot snapshot) {
    latest = snapshot;
    progressed();
  }

  /** The latest observation of every server, if any finished yet. */
  Optional<ClusterSnapshot> latest() {
    return Optional.ofNullable(latest);
  }

  /** When the loop last made progress (its start, before any). */
  Instant lastProgress() {
    return lastProgress;
  }

  /** Marks an operation with its own timeout as under way; closing it records progress. */
  Operation operationUnderWay(Duration timeout) {
    Operation op = new Operation();
    underWay.put(op, clock.instant().plus(timeout).plus(OPERATION_GRACE));
    return op;
  }

  /** True while the loop made progress within the limit, or an operation is under way within its timeout. */
  boolean live() {
    Instant now = clock.instant();
    if (!now.isAfter(lastProgress.plus(staleAfter))) {
      return true;
    }
    return underWay.values().stream().anyMatch(deadline -> !now.isAfter(deadline));
  }

  /** An operation under way; close it when it ends. */
  final class Operation implements AutoCloseable {
    @Override
    public void close() {
      underWay.remove(this);
      progressed();
    }
  }
}
