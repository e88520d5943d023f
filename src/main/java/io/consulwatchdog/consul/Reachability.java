package io.consulwatchdog.consul;

/** Whether the watchdog could observe an agent, and if not, why. */
public enum Reachability {
  /** The agent answered /v1/agent/self with a usable body. */
  OK,
  /** Connection refused or no route: the agent is most likely down. */
  REFUSED,
  /** The agent did not answer within the request timeout. */
  TIMEOUT,
  /** The agent answered something that is not Consul's JSON. */
  GARBAGE,
  /** The agent answered with an HTTP error status (e.g. 403 without an ACL token). */
  HTTP_ERROR,
  /** Any other I/O failure (TLS, DNS...). */
  ERROR;

  /** True when the failure is evidence that the agent process is down, not just hidden from us. */
  public boolean suggestsDown() {
    return this == REFUSED;
  }
}
