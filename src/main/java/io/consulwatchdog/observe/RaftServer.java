package io.consulwatchdog.observe;

/**
 * One entry of a raft configuration as seen by one server.
 *
 * @param id raft server ID (the node ID on raft protocol 3, the address on older protocols)
 * @param node node name, may be empty when only /v1/status/peers was available
 * @param address raft address host:8300
 * @param voter whether it votes
 */
public record RaftServer(String id, String node, String address, boolean voter) {}
