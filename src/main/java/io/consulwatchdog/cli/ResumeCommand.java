package io.consulwatchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** `consul-watchdog resume`: ends a cluster's pause before its time. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    header = "End a cluster's pause now.",
    description = {"Tell the running daemon to end the cluster's pause: it runs in its configured mode again "
        + "(or its maintenance window's, if one is open)."},
    footer = {"", "Exit codes: 0 resumed or not paused, 64 usage, 69 no daemon answers, 77 wrong token, "
        + "78 no control_token_file.",
        "", "Example:", "  consul-watchdog resume --config /etc/consul-watchdog/config.yml dc1"})
public final class ResumeCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;
  @Mixin DaemonOptions daemonOptions;

  @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster to resume.")
  String cluster;

  @Override
  public Integer call() throws Exception {
    return ControlRequest.send(spec, daemonOptions.client(spec, configOptions), cluster, "resume",
        Map.of("owner", DaemonOptions.operator()), ResumeCommand::printResumed);
  }

  private static void printResumed(PrintWriter out, JsonNode reply) {
    if (reply.path("resumed").asBoolean()) {
      out.printf("cluster %s: resumed (was paused by %s until %s)%n", reply.path("cluster").asText(),
          reply.path("was").path("owner").asText(), reply.path("was").path("until").asText());
    } else {
      out.printf("cluster %s: was not paused%n", reply.path("cluster").asText());
    }
    out.printf("  mode: %s%n", StatusCommand.modeLine(reply.path("mode")));
  }
}
