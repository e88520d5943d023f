package io.consulwatchdog.diagnose;

/** What became of one voter of the raft configuration. */
enum VoterStatus {
  /** A reachable server with this voter's node ID (or address, on old raft protocols). */
  LIVE,
  /** A configured server that is down: restarting it with its data brings the voter back. */
  DOWN,
  /** Matches no configured server, or its server was replaced by one with another node ID. */
  GONE
}
