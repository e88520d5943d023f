package io.consulwatchdog.diagnose;

/** What became of one voter of the raft configuration, as far as the evidence shows. */
public enum VoterStatus {
  /** A reachable server answers with this voter's node ID (or address, on raft protocol 2 and older). */
  LIVE,
  /** Its configured server is confirmed down (connection refused, or gossip says failed): restart it. */
  DOWN,
  /** Its configured server does not answer and nothing confirms it is down: it may be running. */
  UNREACHABLE,
  /**
   * Provably gone for good: its configured server answers with another node ID (rebuilt), the operator
   * removed it from the inventory (the last-known-good topology knows its node ID under a name no longer
   * configured), or the operator retired it (consul-watchdog retire).
   */
  GONE,
  /** Matches no configured server with certainty; never treated as gone. */
  UNKNOWN
}
