package io.consulwatchdog.observe;

/**
 * One gossip member as seen by one agent (/v1/agent/members).
 *
 * @param name node name
 * @param address gossip address
 * @param status Serf status: 1 alive, 2 leaving, 3 left, 4 failed
 * @param server true when the member is a Consul server (tag role=consul)
 * @param nodeId the member's node ID tag, may be empty
 */
public record Member(String name, String address, int status, boolean server, String nodeId) {
  public static final int ALIVE = 1;
  public static final int LEAVING = 2;
  public static final int LEFT = 3;
  public static final int FAILED = 4;

  /** True when gossip says the member is alive. */
  public boolean alive() {
    return status == ALIVE;
  }
}
