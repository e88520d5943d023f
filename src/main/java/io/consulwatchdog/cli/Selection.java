package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Picks the clusters a command works on from its CLUSTER arguments. */
final class Selection {
  private Selection() {}

  /** All clusters when none are named; a usage error naming the unknown cluster otherwise. */
  static List<ClusterConfig> clusters(CommandLine.Model.CommandSpec spec, WatchdogConfig config, List<String> names) {
    if (names == null || names.isEmpty()) {
      return config.clusters();
    }
    List<ClusterConfig> out = new ArrayList<>();
    for (String name : names) {
      out.add(config.cluster(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
          "Unknown cluster \"" + name + "\"; the config has: "
              + String.join(", ", config.clusters().stream().map(ClusterConfig::name).toList()))));
    }
    return out;
  }
}
