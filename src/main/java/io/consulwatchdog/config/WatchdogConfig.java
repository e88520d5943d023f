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
 */
public record WatchdogConfig(
    Optional<Path> source, Path stateDir, String listenAddress, List<ClusterConfig> clusters) {

  public WatchdogConfig {
    clusters = List.copyOf(clusters);
  }

  /** Finds a cluster by name. */
  public Optional<ClusterConfig> cluster(String name) {
    return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
