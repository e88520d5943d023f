package io.consulwatchdog.cli;

import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.HttpClusterObserver;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `consul-watchdog check`: observe once, diagnose, print the verdict, exit with its code. */
@Command(name = "check", mixinStandardHelpOptions = true,
    header = "Observe once, diagnose, print the verdict; the exit code tells the state.",
    description = {
      "Observe every server once, diagnose the cluster and print the verdict with its evidence. Never changes anything. Works with a config file or ad hoc with --server URLs."
    },
    footer = {"", "Exit codes:",
        "  0  healthy",
        "  1  degraded (leader present, servers down) or an election in progress",
        "  2  leaderless, quorum lost, or servers disagree about the leader",
        "  3  unobservable: the watchdog cannot see enough to judge",
        "  64 usage error, 66 config file missing, 78 config error",
        "", "Examples:",
        "  consul-watchdog check -s http://10.0.0.1:8500 -s http://10.0.0.2:8500 \\",
        "                        -s http://10.0.0.3:8500",
        "  consul-watchdog check --config /etc/consul-watchdog/config.yml --json"})
public final class CheckCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--json", description = "Print the verdicts and observations as JSON.")
  boolean json;

  @Parameters(arity = "0..*", paramLabel = "CLUSTER", description = "Clusters to check (default: all in the config).")
  List<String> clusters = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    WatchdogConfig config = configOptions.load(spec, true);
    List<ClusterConfig> selected = Selection.clusters(spec, config, clusters);
    Clock clock = Clock.systemUTC();
    int exit = 0;
    List<Map<String, Object>> results = new ArrayList<>();
    PrintWriter out = spec.commandLine().getOut();
    try (HttpClusterObserver observer = new HttpClusterObserver(clock)) {
      for (ClusterConfig cluster : selected) {
        ClusterSnapshot snapshot = observer.observe(cluster);
        Verdict verdict = new ClusterDiagnoser()
            .diagnose(snapshot, History.empty(), clock.instant(), cluster.recovery().leaderlessAfter());
        exit = Math.max(exit, verdict.code().exitCode());
        if (json) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("verdict", verdict);
          r.put("snapshot", snapshot);
          results.add(r);
        } else {
          VerdictReport.print(out, snapshot, verdict);
        }
      }
    }
    if (json) {
      out.println(JsonMapper.pretty().writeValueAsString(results.size() == 1 ? results.get(0) : results));
      out.flush();
    }
    return exit;
  }
}
