package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/** Renders a plan for a dry run or `consul-watchdog plan`: its steps, and what each executor would do. */
public final class PlanDescriber {
  private PlanDescriber() {}

  /**
   * The plan's rendering followed, for each agent step, by the executor's own description of each operation;
   * executors are only asked to describe, never to run, and are closed afterwards.
   */
  public static List<String> describe(RecoveryPlan plan, ClusterConfig cluster,
      Function<ServerConfig, AgentExecutor> executors) {
    List<String> lines = new ArrayList<>(plan.render().lines().toList());
    Map<String, AgentExecutor> opened = new LinkedHashMap<>();
    try {
      for (int i = 0; i < plan.steps().size(); i++) {
        if (plan.steps().get(i) instanceof Step.AgentStep agentStep) {
          Optional<ServerConfig> server = agent(cluster, agentStep.server());
          if (server.isEmpty()) {
            lines.add(String.format("  %2d. via: unknown agent %s", i + 1, agentStep.server()));
            continue;
          }
          AgentExecutor executor = opened.computeIfAbsent(agentStep.server(), n -> executors.apply(server.get()));
          lines.add(String.format("  %2d. via: %s", i + 1, executor.describe(agentStep.operation())));
        }
      }
    } finally {
      opened.values().forEach(PlanRunner::closeQuietly);
    }
    return lines;
  }

  /** The server or client agent of the cluster with this name. */
  static Optional<ServerConfig> agent(ClusterConfig cluster, String name) {
    return Stream.concat(cluster.servers().stream(), cluster.clients().stream())
        .filter(s -> s.name().equals(name)).findFirst();
  }
}
