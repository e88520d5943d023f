package io.consulwatchdog.observe;

/**
 * A server as last seen while the cluster had a leader.
 *
 * @param name node name
 * @param nodeId node ID (raft ID on protocol 3)
 * @param raftAddress host:8300
 * @param version Consul version
 * @param voter whether it was a voter in the leader's configuration
 */
public record KnownServer(String name, String nodeId, String raftAddress, String version, boolean voter) {}
