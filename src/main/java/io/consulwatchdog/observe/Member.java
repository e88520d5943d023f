package io.consulwatchdog.observe;

/**
 * One gossip member as seen by one agent (/v1/agent/members).
 *
 * @param name node name
 * @param address gossip address
 * @param status Serf status: 1 alive, 2 leaving, 3 left, 4 failed
 * @param server true when the member is a Consul server (tag role=consul)
 * @param nodeId the member's node ID tag, may be empty
 * @param port the server's raft port from its "port" tag, -1 when not a server or not tagged
 */
public record Member(String name, String address, int status, boolean server, String nodeId, int port) {
  public static final int ALIVE = 1;
  public static final int LEAVING = 2;
  public static final int LEFT = 3;
  public static final int FAILED = 4;

  /** A member without a known raft port. */
  public Member(String name, String address, int status, boolean server, String nodeId) {
    this(name, address, status, server, nodeId, -1);
  }

  /** The member's raft address as gossip knows it (address:port), empty when the port is unknown. */
  public String raftAddress() {
    return port < 0 || address.isEmpty() ? "" : address + ":" + port;
  }

  /** True when gossip says the member is alive. */
  public boolean alive() {
    return status == ALIVE;
  }
}
