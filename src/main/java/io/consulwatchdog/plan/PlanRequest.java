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
 */
public record PlanRequest(ClusterConfig cluster, Verdict verdict, ClusterSnapshot snapshot,
    Optional<KnownTopology> topology, String recoveryId, Instant now) {

  /** The snapshot's observations keyed by configured server name. */
  public Map<String, ServerObservation> observationsByName() {
    Map<String, ServerObservation> byName = new LinkedHashMap<>();
    snapshot.servers().forEach(o -> byName.put(o.name(), o));
    return byName;
  }
}
