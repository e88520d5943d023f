package io.consulwatchdog.plan;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.KnownTopology;
import io.consulwatchdog.observe.ServerObservation;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the planner may look at: values only.
 *
 * @param cluster the cluster's configuration (servers, data dirs, executors, strategies)
 * @param verdict the verdict that called for recovery (from the re-probe)
 * @param snapshot the snapshot that verdict was made from
 * @param topology the last-known-good topology, if recorded
 * @param recoveryId the id the plan will carry
 * @param now the planning time
 * @param lastLogIndexByNodeId the last raft log index the watchdog saw each node ID report
 */
public record PlanRequest(ClusterConfig cluster, Verdict verdict, ClusterSnapshot snapshot,
    Optional<KnownTopology> topology, String recoveryId, Instant now, Map<String, Long> lastLogIndexByNodeId) {

  public PlanRequest {
    lastLogIndexByNodeId = Map.copyOf(lastLogIndexByNodeId);
  }

  /** A request with no log indexes remembered. */
  public PlanRequest(ClusterConfig cluster, Verdict verdict, ClusterSnapshot snapshot,
      Optional<KnownTopology> topology, String recoveryId, Instant now) {
    this(cluster, verdict, snapshot, topology, recoveryId, now, Map.of());
  }

  /** The snapshot's observations keyed by configured server name. */
  public Map<String, ServerObservation> observationsByName() {
    Map<String, ServerObservation> byName = new LinkedHashMap<>();
    snapshot.servers().forEach(o -> byName.put(o.name(), o));
    return byName;
  }
}
