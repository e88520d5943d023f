package io.consulwatchdog.diagnose;

import java.util.Optional;

/**
 * One voter of the authoritative raft configuration and what the diagnosis found it to be.
 *
 * @param id its raft ID (the node ID on raft protocol 3)
 * @param node its node name when the configuration named it, else empty
 * @param address its raft address (ip:8300)
 * @param status live, down, unreachable, gone or unknown
 * @param server the configured server it was matched to, if any
 * @param why the evidence for the status, one sentence
 * @param aliveInGossip true when a live server's gossip says this voter is alive
 */
public record VoterFate(String id, String node, String address, VoterStatus status, Optional<String> server,
    String why, boolean aliveInGossip) {

  /** The voter's name for people: its node name, else its configured server, else its ID. */
  public String label() {
    return (!node.isEmpty() ? node : server.orElse(id)) + " (" + id + " at " + address + ")";
  }
}
