package io.consulwatchdog.consul;

/** Whether the watchdog could observe an agent, and if not, why. */
public enum Reachability {
  /** The agent answered /v1/agent/self with a usable body. */
  OK,
  /** Connection refused: the host is up and nothing listens, the agent is down. */
  REFUSED,
  /** The agent did not answer within the request timeout. */
  TIMEOUT,
  /** The agent answered something that is not Consul's JSON. */
  GARBAGE,
  /**
   * The agent answered 403: it runs and the network to it is fine, but the ACL token is missing, lacks the
   * permission (agent:read for /v1/agent/self), or cannot be resolved (no leader: "ACL not found").
   */
  FORBIDDEN,
  /** The agent answered with another HTTP error status. */
  HTTP_ERROR,
  /** Any other I/O failure (TLS, DNS...). */
  ERROR;

  /** True when the failure is evidence that the agent process is down, not just hidden from us. */
  public boolean suggestsDown() {
    return this == REFUSED;
  }
}
