package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.recover.Acknowledgement;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `consul-watchdog ack`: an operator acknowledges an escalated cluster so automatic recovery may resume. */
@Command(name = "ack", mixinStandardHelpOptions = true,
    header = "Acknowledge an ESCALATED cluster so that automatic recovery may act again.",
    description = {
      "Acknowledge an ESCALATED cluster: clear the escalation and record the acknowledgement (you, and the note) in its audit journal. Goes through the running daemon's control API; when no daemon answers (or its control endpoints are off), state.json is edited directly and a daemon started later picks it up. A token file that cannot be read is an error (77), never a reason to go around a daemon."
    },
    footer = {"", "Exit codes: 0 acknowledged or nothing to acknowledge, 64 usage, 75 the cluster is busy (try again),",
        "77 wrong token or unreadable token file, 78 config.",
        "", "Example:", "  consul-watchdog ack --config /etc/consul-watchdog/config.yml dc1 --note 'disk replaced'"})
public final class AckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;
  @Mixin DaemonOptions daemonOptions;

  @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster to acknowledge.")
  String cluster;

  @Option(names = "--note", paramLabel = "TEXT", description = "What was checked or fixed; kept in the journal.")
  String note;

  private final Clock clock;

  /** The command as registered, on the system clock. */
  public AckCommand() {
    this(Clock.systemUTC());
  }

  /** A command on an injected clock. */
  AckCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    WatchdogConfig config = DaemonOptions.config(spec, configOptions);
    ClusterConfig target = Selection.clusters(spec, config, List.of(cluster)).get(0);
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("owner", DaemonOptions.operator());
    if (note != null && !note.isBlank()) {
      body.put("note", note);
    }
    DaemonClient client = DaemonClient.of(config, daemonOptions.address);
    String offlineBecause;
    try {
      DaemonClient.Response r = client.post("/clusters/" + target.name() + "/ack", body);
      if (r.ok()) {
        out.printf("%s (through the running daemon on %s)%n", r.body().path("message").asText(), client.address());
        out.flush();
        return 0;
      }
      if (r.status() != 405) {
        return DaemonClient.fail(spec.commandLine().getErr(), r);
      }
      offlineBecause = "the daemon's control endpoints are off (" + r.error() + ")";
    } catch (DaemonClient.Unreachable e) {
      offlineBecause = e.getMessage();
    } catch (DaemonClient.NoToken e) {
      if (!e.endpointsOff) { // a daemon may be running: state.json is not edited behind its back
        spec.commandLine().getErr().println("consul-watchdog: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return e.exitCode;
      }
      offlineBecause = e.getMessage();
    }
    // No daemon to ask: edit state.json; a daemon that runs after all takes it up at its next poll.
    Acknowledgement.Outcome outcome = Acknowledgement.acknowledge(config.stateDir(), target.name(),
        DaemonOptions.operator(), note, clock);
    out.printf("%s%n  (in %s: %s)%n", outcome.message(), config.stateDir(), offlineBecause);
    out.flush();
    return 0;
  }
}
