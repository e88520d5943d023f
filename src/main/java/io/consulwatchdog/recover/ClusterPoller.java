package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.diagnose.ClusterKnowledge;
import io.consulwatchdog.diagnose.Diagnoser;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.RetirementStore;
import io.consulwatchdog.observe.TopologyStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The observing half of the loop for one cluster: observe, diagnose, remember, export, and log each
 * change of diagnosis (not every poll).
 */
public final class ClusterPoller {
  private static final Logger log = LoggerFactory.getLogger(ClusterPoller.class);

  private final ClusterConfig cluster;
  private final ClusterObserver observer;
  private final Diagnoser diagnoser;
  private final TopologyStore topology;
  private final RetirementStore retirements;
  private final WatchdogMetrics metrics;
  private final Clock clock;
  private volatile History history = History.empty();
  private List<String> lastMismatches = List.of();
  private final Map<String, Long> lastLogIndexes = new ConcurrentHashMap<>();

  /** A poller for one cluster with its collaborators. */
  public ClusterPoller(ClusterConfig cluster, ClusterObserver observer, Diagnoser diagnoser,
      TopologyStore topology, RetirementStore retirements, WatchdogMetrics metrics, Clock clock) {
    this.cluster = cluster;
    this.observer = observer;
    this.diagnoser = diagnoser;
    this.topology = topology;
    this.retirements = retirements;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** One poll: observes and diagnoses; the verdict is already recorded in the history, metrics and topology. */
  public PollResult poll() {
    String outer = MDC.get("cluster"); // a tick of the loop set it already: left as it was afterwards
    MDC.put("cluster", cluster.name());
    try {
      ClusterSnapshot snapshot = observer.observe(cluster);
      snapshot.reachable().stream().filter(o -> !o.nodeId().isEmpty() && o.lastLogIndex() >= 0)
          .forEach(o -> lastLogIndexes.put(o.nodeId().toLowerCase(), o.lastLogIndex()));
      ClusterKnowledge knowledge = new ClusterKnowledge(topology.load(cluster.name()),
          retirements.nodeIds(cluster.name()));
      Verdict verdict = diagnoser.diagnose(snapshot, history, clock.instant(), cluster.recovery().leaderlessAfter(),
          knowledge);
      Optional<Verdict> previous = history.latest();
      history = history.record(verdict);
      metrics.recordPoll(snapshot, verdict);
      reportNameMismatches(verdict);
      if (verdict.leader().isPresent()) {
        TopologyStore.fromSnapshot(snapshot, verdict.at()).ifPresent(t -> {
          if (topology.saveIfChanged(t)) {
            log.info("Last-known-good topology updated: {} servers, raft protocol {}", t.servers().size(), t.raftProtocol());
          }
        });
      }
      if (previous.isEmpty() || previous.get().code() != verdict.code() || previous.get().cause() != verdict.cause()) {
        logChange(previous, verdict);
      }
      return new PollResult(snapshot, verdict);
    } finally {
      if (outer == null) {
        MDC.remove("cluster");
      } else {
        MDC.put("cluster", outer);
      }
    }
  }

  /** A configured name that differs from the agent's node name is logged once and exported while it lasts. */
  private void reportNameMismatches(Verdict verdict) {
    if (verdict.reachableServers() == 0 || verdict.nameMismatches().equals(lastMismatches)) {
      return;
    }
    for (ServerConfig s : cluster.servers()) {
      boolean mismatch = verdict.nameMismatches().stream().anyMatch(m -> m.startsWith(s.name() + " ("));
      metrics.nodeNameMismatch(cluster.name(), s.name(), mismatch);
    }
    metrics.recoveryBlocked(cluster.name(), "node_name_mismatch", !verdict.nameMismatches().isEmpty());
    if (!verdict.nameMismatches().isEmpty()) {
      log.error("Configured server names differ from the agents' node names: {}; destructive recovery "
          + "strategies are blocked until the config names the servers as the agents do",
          String.join(", ", verdict.nameMismatches()));
    } else {
      log.info("Configured server names agree with the agents' node names again");
    }
    lastMismatches = verdict.nameMismatches();
  }

  private static void logChange(Optional<Verdict> previous, Verdict verdict) {
    String from = previous.map(v -> v.code().name()).orElse("(start)");
    String line = "State " + from + " -> " + verdict.summary() + ": " + String.join(" ", verdict.evidence());
    switch (verdict.code()) {
      case HEALTHY, ELECTION_IN_PROGRESS -> log.info(line);
      case DEGRADED, UNOBSERVABLE -> log.warn(line);
      default -> log.error(line);
    }
  }

  /** The last raft log index each node ID reported to this poller (lower-case node IDs). */
  public Map<String, Long> lastLogIndexes() {
    return Map.copyOf(lastLogIndexes);
  }

  /** The cluster's history so far. */
  public History history() {
    return history;
  }

  /** The cluster this monitor watches. */
  public ClusterConfig cluster() {
    return cluster;
  }
}
