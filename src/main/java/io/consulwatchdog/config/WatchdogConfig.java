package io.consulwatchdog.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The whole watchdog configuration.
 *
 * @param source the file it was read from, or empty for ad-hoc command-line use
 * @param stateDir where topology, audit journal and recovery state are kept
 * @param listenAddress host:port for /metrics, /health, /ready, /status and the control endpoints
 * @param clusters the clusters to watch
 * @param coordination how several watchdogs share the clusters (none: this one acts alone)
 * @param controlToken the bearer token of the control API (control_token_file); without it the control
 *     endpoints are off
 */
public record WatchdogConfig(
    Optional<Path> source, Path stateDir, String listenAddress, List<ClusterConfig> clusters,
    CoordinationConfig coordination, Optional<Secret> controlToken) {

  public WatchdogConfig {
    clusters = List.copyOf(clusters);
  }

  /** A config without coordination and without a control token (the control endpoints are off). */
  public WatchdogConfig(Optional<Path> source, Path stateDir, String listenAddress, List<ClusterConfig> clusters) {
    this(source, stateDir, listenAddress, clusters, CoordinationConfig.none(), Optional.empty());
  }

  /** The same config listening elsewhere. */
  public WatchdogConfig withListenAddress(String other) {
    return new WatchdogConfig(source, stateDir, other, clusters, coordination, controlToken);
  }

  /** The same config with other clusters. */
  public WatchdogConfig withClusters(List<ClusterConfig> other) {
    return new WatchdogConfig(source, stateDir, listenAddress, other, coordination, controlToken);
  }

  /** Finds a cluster by name. */
  public Optional<ClusterConfig> cluster(String name) {
    return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
