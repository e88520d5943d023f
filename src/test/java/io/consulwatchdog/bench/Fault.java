package io.consulwatchdog.bench;

/** What a simulated agent does instead of answering normally. */
public enum Fault {
  /** Replays the captured answers. */
  NONE,
  /** Closes its port: connections are refused, as with a stopped agent. */
  REFUSE,
  /** Accepts the request and never answers (the connection is dropped after {@link AgentSimulator#HANG_LIMIT}). */
  HANG,
  /** Answers every request with HTTP 500, as Consul does while an RPC fails. */
  HTTP_500,
  /** Answers every request with 200 and a body that is not JSON. */
  GARBAGE
}
