package io.consulwatchdog.consul;


/** What one HTTP request to one agent endpoint produced: an answer with a status, or a failure. */
public sealed interface EndpointResult {

  /** The agent answered with an HTTP status and a body. */
  record Answer(int status, String body) implements EndpointResult {}

  /** No answer: refused, timed out, or another I/O failure. */
  record Failure(Reachability kind, String message) implements EndpointResult {}
}
