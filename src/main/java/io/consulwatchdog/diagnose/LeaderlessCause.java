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
  /**
   * The live voters cannot elect, and some missing voters match no configured server with certainty (not
   * in the inventory nor the last-known-good topology, not matched by name or address): never treated as
   * gone. No automatic cure: an operator lists them as servers, or retires them (consul-watchdog retire).
   */
  UNIDENTIFIED_VOTERS,
  /** A quorum of voters is alive and talking, yet nobody wins an election for a long time. */
  NO_ELECTION
}
