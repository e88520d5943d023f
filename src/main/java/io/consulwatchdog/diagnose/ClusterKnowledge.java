package io.consulwatchdog.diagnose;

import io.consulwatchdog.observe.KnownTopology;
import java.util.Optional;
import java.util.Set;

/**
 * What the watchdog knows of a cluster beyond one poll, as values: the last-known-good topology (who the
 * servers were, by node ID, while a leader existed) and the node IDs an operator retired.
 *
 * @param topology the last-known-good topology, if recorded
 * @param retiredNodeIds node IDs declared gone for good with `consul-watchdog retire`
 */
public record ClusterKnowledge(Optional<KnownTopology> topology, Set<String> retiredNodeIds) {

  public ClusterKnowledge {
    retiredNodeIds = Set.copyOf(retiredNodeIds);
  }

  /** Nothing known beyond the poll. */
  public static ClusterKnowledge none() {
    return new ClusterKnowledge(Optional.empty(), Set.of());
  }

  /** Only a topology. */
  public static ClusterKnowledge of(Optional<KnownTopology> topology) {
    return new ClusterKnowledge(topology, Set.of());
  }
}
