package io.consulwatchdog.diagnose;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The diagnosis of one snapshot: a code, the evidence behind it, and the servers concerned.
 *
 * @param cluster cluster name
 * @param at the snapshot's time
 * @param code the state
 * @param cause for LEADERLESS and QUORUM_LOST: why no leader can be elected
 * @param evidence human-readable reasons, one sentence each
 * @param leader the leader address the cluster agrees on, if any
 * @param leaderlessFor how long no leader has been seen, when known
 * @param configuredServers servers in the watchdog config
 * @param reachableServers servers that answered
 * @param voters raft voters in the most up-to-date configuration observed
 * @param liveVoters those voters that answered
 * @param concerned names of the servers the verdict is about (down, stale, outside the configuration...)
 * @param monotonicNanos the snapshot's monotonic stamp: durations between verdicts are measured with it
 * @param voterFates each voter of the authoritative raft configuration with what became of it
 * @param nameMismatches configured servers whose agent reports another node name, as "name (agent says X)"
 */
public record Verdict(
    String cluster,
    Instant at,
    DiagnosisCode code,
    LeaderlessCause cause,
    List<String> evidence,
    Optional<String> leader,
    Optional<Duration> leaderlessFor,
    int configuredServers,
    int reachableServers,
    int voters,
    int liveVoters,
    List<String> concerned,
    long monotonicNanos,
    List<VoterFate> voterFates,
    List<String> nameMismatches) {

  public Verdict {
    evidence = List.copyOf(evidence);
    concerned = List.copyOf(concerned);
    voterFates = List.copyOf(voterFates);
    nameMismatches = List.copyOf(nameMismatches);
  }

  /** A verdict without voter details, whose monotonic stamp is its wall time (tests, simulations). */
  public Verdict(String cluster, Instant at, DiagnosisCode code, LeaderlessCause cause, List<String> evidence,
      Optional<String> leader, Optional<Duration> leaderlessFor, int configuredServers, int reachableServers,
      int voters, int liveVoters, List<String> concerned) {
    this(cluster, at, code, cause, evidence, leader, leaderlessFor, configuredServers, reachableServers, voters,
        liveVoters, concerned, ChronoUnit.NANOS.between(Instant.EPOCH, at), List.of(), List.of());
  }

  /** The voters with this status. */
  public List<VoterFate> voters(VoterStatus status) {
    return voterFates.stream().filter(f -> f.status() == status).toList();
  }

  /** One line: code, leader and counts, for logs. */
  public String summary() {
    return code
        + (cause == LeaderlessCause.NONE ? "" : " (" + cause + ")")
        + " leader=" + leader.orElse("none")
        + " reachable=" + reachableServers + "/" + configuredServers
        + " liveVoters=" + liveVoters + "/" + voters
        + leaderlessFor.map(d -> " leaderlessFor=" + d.toSeconds() + "s").orElse("");
  }
}
