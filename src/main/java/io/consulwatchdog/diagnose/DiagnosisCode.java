package io.consulwatchdog.diagnose;

/** The closed list of cluster states the watchdog can diagnose, with the exit code `check` uses. */
public enum DiagnosisCode {
  /** A leader that every reachable server agrees on, every configured server up, every voter alive. */
  HEALTHY(0),
  /** A leader is present, but some servers are down, unreachable, or do not see it. */
  DEGRADED(1),
  /** No leader right now, but not for long enough to call it stuck: a normal election. */
  ELECTION_IN_PROGRESS(1),
  /** Reachable servers report different leaders. */
  SPLIT_VIEW(2),
  /** Enough live servers for a quorum, yet no leader for longer than the threshold (issue 993). */
  LEADERLESS(2),
  /** Too few live servers to ever elect a leader. */
  QUORUM_LOST(2),
  /** The watchdog cannot see enough to judge; never treated as a cluster fault. */
  UNOBSERVABLE(3);

  private final int exitCode;

  DiagnosisCode(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The exit code of `consul-watchdog check` for this state. */
  public int exitCode() {
    return exitCode;
  }

  /** True for the states in which the cluster cannot serve writes and will not heal by itself. */
  public boolean needsRecovery() {
    return this == LEADERLESS || this == QUORUM_LOST;
  }
}
