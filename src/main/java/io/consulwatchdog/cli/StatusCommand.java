package io.consulwatchdog.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.observe.ClusterSnapshot;
import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `consul-watchdog status`: what the running daemon knows about each cluster, from its /status. */
@Command(name = "status", mixinStandardHelpOptions = true,
    header = "Show what the running daemon knows about each cluster (its /status).",
    description = {
      "Ask the running daemon for each cluster's latest verdict (with its evidence and one line per server), "
          + "the recovery state machine, the effective mode and why, and the last recovery."
    },
    footer = {"", "Exit codes: 0 the daemon answered, 69 no daemon answers, 64 usage, 78 config.",
        "", "Example:", "  consul-watchdog status --config /etc/consul-watchdog/config.yml"})
public final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;
  @Mixin DaemonOptions daemonOptions;

  @Option(names = "--json", description = "Print the daemon's /status JSON as it is.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    DaemonClient client = daemonOptions.client(spec, configOptions);
    PrintWriter out = spec.commandLine().getOut();
    DaemonClient.Response r;
    try {
      r = client.get("/status");
    } catch (DaemonClient.Unreachable e) {
      spec.commandLine().getErr().println("consul-watchdog: " + e.getMessage());
      return ExitCodes.UNAVAILABLE;
    }
    if (!r.ok()) {
      return DaemonClient.fail(spec.commandLine().getErr(), r);
    }
    if (json) {
      out.println(JsonMapper.pretty().writeValueAsString(r.body()));
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = r.body().path("clusters").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> cluster = it.next();
        print(out, cluster.getKey(), cluster.getValue());
      }
    }
    out.flush();
    return 0;
  }

  private static void print(PrintWriter out, String name, JsonNode c) throws JsonProcessingException {
    if (c.has("verdict") && c.has("snapshot")) {
      VerdictReport.print(out, JsonMapper.compact().treeToValue(c.get("snapshot"), ClusterSnapshot.class),
          JsonMapper.compact().treeToValue(c.get("verdict"), Verdict.class));
    } else {
      out.printf("cluster %s: not polled yet%n", name);
    }
    out.printf("  mode: %s%n", modeLine(c.path("mode")));
    JsonNode recovery = c.path("recovery");
    out.printf("  recovery: %s since %s%s%s%n", recovery.path("state").asText(), recovery.path("since").asText(),
        recovery.hasNonNull("cooldownUntil") ? ", cooldown until " + recovery.path("cooldownUntil").asText() : "",
        recovery.path("escalated").asBoolean() ? ", ESCALATED: waiting for consul-watchdog ack" : "");
    JsonNode last = c.path("lastRecovery");
    if (!last.isMissingNode()) {
      out.printf("  last recovery: %s %s %s, started %s%s%n", last.path("id").asText(), last.path("strategy").asText(),
          last.path("outcome").asText(), last.path("start").asText(),
          last.hasNonNull("end") ? ", ended " + last.path("end").asText() : "");
      for (JsonNode step : last.path("steps")) {
        out.printf("    step %d %s: %s%n", step.path("index").asInt() + 1, step.path("success").isMissingNode()
            || step.path("success").isNull() ? "under way" : step.path("success").asBoolean() ? "ok" : "FAILED",
            step.path("step").asText());
      }
    }
    if (!c.path("live").asBoolean(true)) {
      out.printf("  LOOP NOT LIVE: no progress since %s%n", c.path("lastProgress").asText());
    }
  }

  /** "label (reason)" from a mode as the API writes it. */
  static String modeLine(JsonNode mode) {
    return mode.path("mode").asText() + " (" + mode.path("reason").asText() + ")";
  }
}
