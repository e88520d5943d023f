package io.consulwatchdog.cli;

import io.consulwatchdog.demo.Demo;
import io.consulwatchdog.demo.DemoScenario;
import io.consulwatchdog.lab.LabException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** `consul-watchdog demo`: build a local Consul cluster, break it, and watch the watchdog heal it. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    header = "Build a real local Consul cluster, break it, and watch the watchdog heal it.",
    description = {
      "Start a real 3-server Consul cluster on loopback addresses (127.x.y.z), write keys, start the watchdog on it, break the cluster, and show the watchdog's answer as a live timeline. Every process and cluster file is removed at the end, also on Ctrl-C; the audit journal and a metrics snapshot are left in --output for reading.",
      "",
      "Scenarios:",
      "  replace-two  2 of 3 servers replaced by fresh ones (#993): peers-json heals",
      "  kill-two     2 of 3 servers crash, data kept: restart-down-servers heals",
      "  leader-kill  the leader crashes: a normal election, nothing to do",
      "  dry-run      the #993 state in dry-run mode: plan printed, cluster left as is"
    },
    footer = {"", "Exit codes: 0 the watchdog did what the scenario expects, 1 it did not, 69 no Consul binary."})
public final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--scenario", paramLabel = "NAME", defaultValue = "replace-two",
      description = "replace-two (default), kill-two, leader-kill or dry-run.")
  String scenario;

  @Option(names = "--output", paramLabel = "DIR", defaultValue = "target/demo",
      description = "Where the audit journal and metrics snapshot are left (default: ${DEFAULT-VALUE}).")
  Path output;

  @Override
  public Integer call() throws Exception {
    DemoScenario chosen = DemoScenario.byId(scenario).orElseThrow(() -> new CommandLine.ParameterException(
        spec.commandLine(), "--scenario: must be one of " + Arrays.stream(DemoScenario.values())
            .map(DemoScenario::id).collect(Collectors.joining(", ")) + " (got \"" + scenario + "\")"));
    try {
      return new Demo(chosen, output.toAbsolutePath(), spec.commandLine().getOut()).run() ? 0 : 1;
    } catch (LabException e) {
      spec.commandLine().getErr().println("consul-watchdog demo: " + e.getMessage());
      return e.getMessage() != null && e.getMessage().contains("fetch-consul") ? 69 : 1;
    }
  }
}
