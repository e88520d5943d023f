package io.consulwatchdog.consul;

import java.util.List;

/** The Consul HTTP endpoints every poll reads from every server. */
public final class Endpoints {
  public static final String AGENT_SELF = "/v1/agent/self";
  public static final String STATUS_LEADER = "/v1/status/leader";
  public static final String STATUS_PEERS = "/v1/status/peers";
  public static final String RAFT_CONFIGURATION = "/v1/operator/raft/configuration?stale";
  public static final String AGENT_MEMBERS = "/v1/agent/members";

  /** All of them, agent/self first. */
  public static final List<String> ALL =
      List.of(AGENT_SELF, STATUS_LEADER, STATUS_PEERS, RAFT_CONFIGURATION, AGENT_MEMBERS);

  private Endpoints() {}
}
