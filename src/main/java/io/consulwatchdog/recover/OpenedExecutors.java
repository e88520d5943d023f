package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.execute.AgentExecutor;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The executors one run or one description of a plan opens, one per agent, all closed together. */
final class OpenedExecutors implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenedExecutors.class);

  private final ClusterConfig cluster;
  private final Function<ServerConfig, AgentExecutor> factory;
  private final Map<String, AgentExecutor> opened = new ConcurrentHashMap<>();

  OpenedExecutors(ClusterConfig cluster, Function<ServerConfig, AgentExecutor> factory) {
    this.cluster = cluster;
    this.factory = factory;
  }

  /** The executor of the cluster's server or client agent with this name, opened once; empty if unknown. */
  Optional<AgentExecutor> of(String agent) {
    return Stream.concat(cluster.servers().stream(), cluster.clients().stream())
        .filter(s -> s.name().equals(agent)).findFirst()
        .map(server -> opened.computeIfAbsent(agent, n -> factory.apply(server)));
  }

  @Override
  public void close() {
    for (AgentExecutor executor : opened.values()) {
      try {
        executor.close();
      } catch (RuntimeException e) {
        log.warn("closing executor failed: {}", e.toString());
      }
    }
  }
}
