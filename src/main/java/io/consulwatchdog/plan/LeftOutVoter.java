package io.consulwatchdog.plan;

/**
 * A voter of the old raft configuration that an outage recovery leaves out of peers.json, with the
 * evidence that its data cannot come back; recorded in the plan and so in the audit journal.
 *
 * @param nodeId its node ID (raft ID)
 * @param node its node name, if known
 * @param address its raft address
 * @param lastKnownLogIndex the last raft log index the watchdog saw it report, -1 when never seen
 * @param why why it is considered gone for good
 */
public record LeftOutVoter(String nodeId, String node, String address, long lastKnownLogIndex, String why) {}
