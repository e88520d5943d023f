package io.consulwatchdog.bench;

import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.recover.ClusterReconciler;
import io.consulwatchdog.recover.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a loop's ticks and notes what each one returned, as the scheduler's caller sees it: whether a
 * HEALTHY verdict was seen, the first QUORUM_LOST/LEADERLESS verdict after the outage, and the end of the
 * first recovery.
 */
final class TickRecorder {
  private final FirstMoment detected = new FirstMoment();
  private final FirstMoment recoveryEnded = new FirstMoment();
  private final FirstMoment actingTickBegan = new FirstMoment();
  private volatile boolean armed;
  private volatile boolean healthySeen;
  private volatile Optional<RunResult> firstRun = Optional.empty();
  private volatile String lastVerdict = "no poll yet";
  private final List<String> trace = new ArrayList<>();
  private final List<Double> stuckPolls = new ArrayList<>();
  private String lastTraced = "";
  private long armedAt;

  /** The tick the scheduler runs: the loop's own tick, noted on return. */
  Runnable around(ClusterReconciler loop) {
    return () -> {
      long began = System.nanoTime();
      note(loop.tick(), began);
    };
  }

  private synchronized void note(ClusterReconciler.Tick tick, long began) {
    DiagnosisCode code = tick.verdict().code();
    lastVerdict = tick.verdict().summary();
    healthySeen |= code == DiagnosisCode.HEALTHY;
    String shown = code + (tick.verdict().cause().name().equals("NONE") ? "" : "/" + tick.verdict().cause());
    if (armed && !shown.equals(lastTraced)) {
      trace.add(String.format("%.1f %s", (System.nanoTime() - armedAt) / 1e9, shown));
      lastTraced = shown;
    }
    if (armed && code.needsRecovery()) {
      detected.mark();
      if (tick.run().isEmpty()) {
        stuckPolls.add(tick.poll().snapshot().took().toNanos() / 1e9);
      }
    }
    if (armed && tick.run().isPresent() && firstRun.isEmpty()) {
      firstRun = tick.run();
      recoveryEnded.mark();
      actingTickBegan.markAt(began);
    }
  }

  /** From now on verdicts and recoveries count: the outage has begun. */
  synchronized void arm() {
    armedAt = System.nanoTime();
    armed = true;
  }

  /** How long each poll that found the cluster stuck took (the loop's own observe), in seconds. */
  synchronized List<Double> stuckPolls() {
    return List.copyOf(stuckPolls);
  }

  /** Each change of verdict after the outage, as "seconds since the outage" and the code/cause, in order. */
  synchronized List<String> trace() {
    return List.copyOf(trace);
  }

  /** Whether a tick has returned a HEALTHY verdict. */
  boolean healthySeen() {
    return healthySeen;
  }

  /** The first QUORUM_LOST or LEADERLESS verdict after the outage. */
  FirstMoment detected() {
    return detected;
  }

  /** The end of the tick that ran the first recovery after the outage. */
  FirstMoment recoveryEnded() {
    return recoveryEnded;
  }

  /**
   * The start of the tick that ran the first recovery after the outage: its poll confirmed the state, then it
   * re-probed, planned, journaled the plan and ran it.
   */
  FirstMoment actingTickBegan() {
    return actingTickBegan;
  }

  /** How the first recovery after the outage ended, once it has. */
  Optional<RunResult> firstRun() {
    return firstRun;
  }

  /** The last verdict, one line. */
  String lastVerdict() {
    return lastVerdict;
  }
}
