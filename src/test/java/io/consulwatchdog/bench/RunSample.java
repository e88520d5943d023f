package io.consulwatchdog.bench;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What one run measured, in seconds from the outage (for the floor: from the start commands), each seen
 * from outside the watchdog; empty when it did not happen.
 *
 * @param detected the watchdog's first QUORUM_LOST or LEADERLESS verdict (a tick returning it)
 * @param actingPoll the start of the tick that ran the recovery (its poll confirmed the state; it then re-probed,
 *     planned and journaled before the first step)
 * @param recoveryStarted the first operation the watchdog handed an executor (for the floor: 0)
 * @param writable the first consistent write and read through a server ({@link WritableProbe})
 * @param votersBack every expected server a voter of the leader's configuration, hearing it ({@link VoterWatch})
 * @param redundancyGauge the watchdog's own consul_watchdog_last_recovery_redundancy_restored_seconds
 *     (from the recovery's start), if it set it
 * @param stuckPoll the median time one poll (observe) of the stuck cluster took, before the recovery
 * @param keysIntact keys written before the outage that read back unchanged after it (-1: not readable)
 * @param strategy the strategy the watchdog ran ("" for the floor or when none ran)
 * @param steps each plan step's kind and duration in ms, from the audit journal, in plan order
 * @param verdicts each change of the watchdog's verdict after the outage ("seconds code/cause")
 * @param failure why the run did not heal, if it did not
 */
record RunSample(OptionalDouble detected, OptionalDouble actingPoll, OptionalDouble recoveryStarted, OptionalDouble writable,
    OptionalDouble votersBack, OptionalDouble redundancyGauge, OptionalDouble stuckPoll, long keysIntact, String strategy,
    List<StepTime> steps, List<String> verdicts, Optional<String> failure) {

  /** One plan step's kind and how long it took. */
  record StepTime(String kind, long millis) {}

  /** Whether the run healed: writable, every voter back, every key kept, no failure. */
  boolean healed(int keysWritten) {
    return failure.isEmpty() && writable.isPresent() && votersBack.isPresent() && keysIntact == keysWritten;
  }

  /** A run that failed before it measured anything (the lab did not start, an exception). */
  static RunSample failedBefore(String why) {
    return new RunSample(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
        OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty(), -1, "", List.of(), List.of(), Optional.of(why));
  }

  /** b - a when both happened. */
  static OptionalDouble between(OptionalDouble a, OptionalDouble b) {
    return a.isPresent() && b.isPresent() ? OptionalDouble.of(b.getAsDouble() - a.getAsDouble())
        : OptionalDouble.empty();
  }
}
