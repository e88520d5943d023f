package io.consulwatchdog.diagnose;

import io.consulwatchdog.observe.ClusterSnapshot;
import java.time.Duration;
import java.time.Instant;

/** Turns a snapshot, the recent history and what is known of the cluster into a verdict; pure. */
@FunctionalInterface
public interface Diagnoser {

  /**
   * Diagnoses one snapshot.
   *
   * @param snapshot what the poll observed
   * @param history the cluster's history before this snapshot
   * @param now the current time, from the injected clock
   * @param leaderlessAfter how long without a leader before an election counts as stuck
   * @param knowledge the last-known-good topology and the retired voters
   */
  Verdict diagnose(ClusterSnapshot snapshot, History history, Instant now, Duration leaderlessAfter,
      ClusterKnowledge knowledge);

  /** Diagnoses one snapshot with no knowledge beyond the poll and the history. */
  default Verdict diagnose(ClusterSnapshot snapshot, History history, Instant now, Duration leaderlessAfter) {
    return diagnose(snapshot, history, now, leaderlessAfter, ClusterKnowledge.none());
  }
}
