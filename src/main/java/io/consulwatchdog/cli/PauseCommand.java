package io.consulwatchdog.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `consul-watchdog pause`: the running daemon only plans for a cluster, for a while. */
@Command(name = "pause", mixinStandardHelpOptions = true,
    header = "Pause automatic recovery of a cluster for a while (plans are logged, nothing runs).",
    description = {
      "Tell the running daemon to only plan for the cluster (as in dry-run) for the given time, recording you "
          + "(the operating-system user) and the reason. A pause always ends by itself, survives a restart of the "
          + "daemon, and can be ended early with resume. A recovery already under way is not cut: it finishes "
          + "(or undoes what it changed, if it fails) first."
    },
    footer = {"", "Exit codes: 0 paused, 64 usage (bad duration, unknown cluster), 69 no daemon answers, "
        + "77 wrong token or unreadable token file, 78 no control_token_file.",
        "", "Example:", "  consul-watchdog pause --config /etc/consul-watchdog/config.yml dc1 --for 2h \\",
        "      --reason 'replacing disks on consul-2'"})
public final class PauseCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;
  @Mixin DaemonOptions daemonOptions;

  @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster to pause.")
  String cluster;

  @Option(names = "--for", required = true, paramLabel = "DURATION",
      description = "How long, e.g. 30m or 2h (at most 168h).")
  String duration;

  @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why; shown in logs and status.")
  String reason;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("for", duration);
    body.put("reason", reason);
    body.put("owner", DaemonOptions.operator());
    return ControlRequest.send(spec, daemonOptions.client(spec, configOptions), cluster, "pause", body,
        PauseCommand::printPaused);
  }

  private static void printPaused(PrintWriter out, JsonNode reply) {
    JsonNode pause = reply.path("pause");
    out.printf("cluster %s: paused by %s until %s: %s%n", reply.path("cluster").asText(), pause.path("owner").asText(),
        pause.path("until").asText(), pause.path("reason").asText());
    if (reply.has("replaced")) {
      out.printf("  (replaces the pause by %s until %s)%n", reply.path("replaced").path("owner").asText(),
          reply.path("replaced").path("until").asText());
    }
    out.printf("  mode: %s%n", StatusCommand.modeLine(reply.path("mode")));
  }
}
