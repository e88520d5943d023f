package io.consulwatchdog.diagnose;

import io.consulwatchdog.observe.ClusterSnapshot;
import java.time.Duration;
import java.time.Instant;

/** Turns a snapshot and the recent history into a verdict; pure, no I/O and no clock reads. */
public interface Diagnoser {

  /**
   * Diagnoses one snapshot.
   *
   * @param snapshot what the poll observed
   * @param history the cluster's history before this snapshot
   * @param now the current time, from the injected clock
   * @param leaderlessAfter how long without a leader before an election counts as stuck
   */
  Verdict diagnose(ClusterSnapshot snapshot, History history, Instant now, Duration leaderlessAfter);
}
