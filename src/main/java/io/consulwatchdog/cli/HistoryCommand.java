package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.RecoveryHistory;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `consul-watchdog history`: the recoveries of a cluster's audit journal, one line each. */
@Command(name = "history", mixinStandardHelpOptions = true,
    header = "Print a cluster's recoveries from its audit journal, one line each.",
    description = {"Read <state_dir>/<cluster>/audit.jsonl and print each recovery (plans only logged included): "
        + "its ID, strategy, start, end, outcome, how far its steps went, and how many destructive steps were "
        + "undone. Needs read access to the state dir; works whether or not the daemon runs."},
    footer = {"", "Exit codes: 0 printed, 64 usage, 78 config.",
        "", "Example:", "  sudo -u consul-watchdog consul-watchdog history --config /etc/consul-watchdog/config.yml dc1"})
public final class HistoryCommand implements Callable<Integer> {
  private static final String ROW = "%-22s %-21s %-20s %-20s %-11s %-24s %s%n";
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster.")
  String cluster;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "50",
      description = "Print only the last N recoveries (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print the recoveries with their steps as JSON.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    WatchdogConfig config = DaemonOptions.config(spec, configOptions);
    ClusterConfig target = Selection.clusters(spec, config, List.of(cluster)).get(0);
    List<RecoveryHistory.Recovery> all = RecoveryHistory.of(
        new AuditJournal(config.stateDir(), target.name(), Clock.systemUTC()).read());
    List<RecoveryHistory.Recovery> shown = all.subList(Math.max(0, all.size() - Math.max(0, limit)), all.size());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JsonMapper.pretty().writeValueAsString(shown));
    } else {
      out.printf(ROW, "ID", "STRATEGY", "START", "END", "OUTCOME", "STEPS", "UNDONE");
      for (RecoveryHistory.Recovery r : shown) {
        out.printf(ROW, r.id(), r.strategy(), seconds(r.start()), r.end().map(HistoryCommand::seconds).orElse("-"),
            r.outcome(), r.stepsSummary(), undone(r));
      }
      if (shown.isEmpty()) {
        out.printf("(no recovery in %s)%n", new AuditJournal(config.stateDir(), target.name(), Clock.systemUTC()).file());
      }
    }
    out.flush();
    return 0;
  }

  private static String seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String undone(RecoveryHistory.Recovery r) {
    if (r.undone().isEmpty()) {
      return "-";
    }
    long failed = r.undone().stream().filter(u -> !u.success().orElse(false)).count();
    return r.undone().size() + (failed == 0 ? "" : " (" + failed + " failed)");
  }
}
