package io.consulwatchdog.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole watchdog configuration.
 *
 * @param source the file it was read from, or empty for ad-hoc command-line use
 * @param stateDir where topology, audit journal and recovery state are kept
 * @param listenAddress host:port for /metrics and /health
 * @param clusters the clusters to watch
 * @param coordination how several watchdogs share the clusters (none: this one acts alone)
 */
public record WatchdogConfig(
    Optional<Path> source, Path stateDir, String listenAddress, List<ClusterConfig> clusters,
    CoordinationConfig coordination) {

  public WatchdogConfig {
    clusters = List.copyOf(clusters);
  }

  /** A config without coordination. */
  public WatchdogConfig(Optional<Path> source, Path stateDir, String listenAddress, List<ClusterConfig> clusters) {
    this(source, stateDir, listenAddress, clusters, CoordinationConfig.none());
  }

  /** The same config listening elsewhere. */
  public WatchdogConfig withListenAddress(String other) {
    return new WatchdogConfig(source, stateDir, other, clusters, coordination);
  }

  /** The same config with other clusters. */
  public WatchdogConfig withClusters(List<ClusterConfig> other) {
    return new WatchdogConfig(source, stateDir, listenAddress, other, coordination);
  }

  /** Finds a cluster by name. */
  public Optional<ClusterConfig> cluster(String name) {
    return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
