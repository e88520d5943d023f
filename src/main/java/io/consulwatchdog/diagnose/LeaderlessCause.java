package io.consulwatchdog.diagnose;

/** Why a cluster without a leader cannot elect one; tells the planner which cure fits. */
public enum LeaderlessCause {
  /** Not applicable: there is a leader, or the state is not a stuck one. */
  NONE,
  /** Voters of the raft configuration are down; restarting them with their data heals it. */
  VOTERS_DOWN,
  /**
   * A majority of the configured voters is gone for good while other live servers exist outside the
   * configuration: only an outage recovery (peers.json) heals it.
   */
  STALE_CONFIGURATION,
  /** A quorum of voters is alive and talking, yet nobody wins an election for a long time. */
  NO_ELECTION
}
