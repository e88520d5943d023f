package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.consul.Endpoints;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.NoExecutor;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.recover.ClusterPoller;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.recover.PollResult;
import io.consulwatchdog.recover.ReconcilerFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** `consul-watchdog check`: observe, diagnose, print the verdict, exit with its code. */
@Command(name = "check", mixinStandardHelpOptions = true,
    header = "Observe, diagnose, print the verdict; the exit code tells the state.",
    description = {
      "Observe every server, diagnose the cluster and print the verdict with its evidence. Never changes "
          + "anything. Works with a config file (then it also uses what the daemon learned: the last-known-good "
          + "topology and retired voters in state_dir) or ad hoc with --server URLs.",
      "",
      "One poll is usually enough: a lost quorum shows at once. --watch keeps polling, as the daemon does, "
          + "until the verdict is certain (healthy, quorum lost, leaderless, split view) or the time is up."
    },
    footer = {"", "Exit codes:",
        "  0  healthy",
        "  1  degraded (leader present, servers down) or an election in progress",
        "  2  leaderless, quorum lost, or servers disagree about the leader",
        "  3  unobservable: the watchdog cannot see enough to judge",
        "  77 servers answer 403: the ACL token is missing or lacks a permission (see --explain-acl)",
        "  64 usage error, 66 config file missing, 78 config error",
        "", "Examples:",
        "  consul-watchdog check -s http://10.0.0.1:8500 -s http://10.0.0.2:8500 \\",
        "                        -s http://10.0.0.3:8500",
        "  consul-watchdog check --config /etc/consul-watchdog/config.yml --watch 30s",
        "  CONSUL_HTTP_TOKEN_FILE=/etc/consul.d/mgmt.token consul-watchdog check -s https://10.0.0.1:8501 \\",
        "      --agent-token-file /etc/consul.d/agent-recovery.token --explain-acl"})
public final class CheckCommand implements Callable<Integer> {
  /** sysexits EX_NOPERM: the servers answer, the token lacks a permission. */
  static final int NO_PERMISSION = 77;
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--json", description = "Print the verdicts and observations as JSON.")
  boolean json;

  @Option(names = "--watch", paramLabel = "DURATION",
      description = "Keep polling (each cluster's poll_interval, 1 s ad hoc) until the verdict is certain or "
          + "DURATION has passed, e.g. 30s; the polls are shown on stderr.")
  String watch;

  @Option(names = "--explain-acl",
      description = "Also ask each server every endpoint the watchdog needs and name the ACL rules it lacks.")
  boolean explainAcl;

  @Option(names = "--agent-token-file", paramLabel = "FILE",
      description = "Ad-hoc: a file holding the agent recovery token (acl.tokens.agent_master), sent to "
          + "/v1/agent/* (which it can read with no leader); other endpoints get CONSUL_HTTP_TOKEN.")
  Path agentTokenFile;

  @Parameters(arity = "0..*", paramLabel = "CLUSTER", description = "Clusters to check (default: all in the config).")
  List<String> clusters = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    WatchdogConfig config = withAgentToken(configOptions.load(spec, true));
    Optional<Duration> watchFor = PollWatch.parse(spec, watch);
    List<ClusterConfig> selected = Selection.clusters(spec, config, clusters);
    Clock clock = Clock.systemUTC();
    int exit = 0;
    List<Map<String, Object>> results = new ArrayList<>();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (HttpClusterObserver observer = new HttpClusterObserver(clock)) {
      ReconcilerFactory factory = ReconcilerFactory.standard(observer, s -> new NoExecutor(s.name()),
          new HttpLeaderRead(), config.stateDir(), new WatchdogMetrics(new SimpleMeterRegistry(), clock), clock)
          .readOnly();
      for (ClusterConfig cluster : selected) {
        ClusterPoller poller = factory.poller(cluster);
        Duration every = config.source().isEmpty() ? PollWatch.AD_HOC_INTERVAL : cluster.pollInterval();
        PollResult poll = PollWatch.untilCertain("check", cluster.name(), every, watchFor, poller::poll,
            PollResult::verdict, err);
        Verdict verdict = poll.verdict();
        int code = verdict.code().exitCode();
        Optional<String> forbidden = forbiddenHeadline(cluster, poll.snapshot(), verdict);
        if (forbidden.isPresent()) {
          code = NO_PERMISSION;
        }
        exit = Math.max(exit, code);
        Optional<EffectiveMode> mode = modeOf(config, cluster, clock);
        if (json) {
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("verdict", verdict);
          r.put("snapshot", poll.snapshot());
          mode.ifPresent(m -> r.put("mode", Map.of("mode", m.kind().label(), "reason", m.reason())));
          forbidden.ifPresent(f -> r.put("forbidden", f));
          results.add(r);
        } else {
          forbidden.ifPresent(f -> out.println(f));
          VerdictReport.print(out, poll.snapshot(), verdict);
          mode.ifPresent(m -> out.printf("  mode: %s%n", m));
        }
        if (explainAcl && AclProbe.explain(cluster, out) > 0) {
          exit = Math.max(exit, NO_PERMISSION);
        }
      }
    }
    if (json) {
      out.println(JsonMapper.pretty().writeValueAsString(results.size() == 1 ? results.get(0) : results));
    }
    out.flush();
    return exit;
  }

  /** The mode the daemon runs the cluster in now; none for an ad-hoc check. */
  private static Optional<EffectiveMode> modeOf(WatchdogConfig config, ClusterConfig cluster, Clock clock) {
    return config.source().isEmpty() ? Optional.empty() : Optional.of(CurrentMode.of(config, cluster, clock));
  }

  /**
   * The headline when servers answered 403 where the watchdog needs to read: the servers are up, the token
   * (named by its source) is missing or lacks a permission; empty when nothing was forbidden or it did not
   * matter to the verdict.
   */
  static Optional<String> forbiddenHeadline(ClusterConfig cluster, ClusterSnapshot snapshot, Verdict verdict) {
    List<String> forbidden = snapshot.servers().stream()
        .filter(s -> s.reachability() == Reachability.FORBIDDEN).map(ServerObservation::name).toList();
    if (forbidden.isEmpty() || verdict.code() != DiagnosisCode.UNOBSERVABLE) {
      return Optional.empty();
    }
    String token = cluster.tokenFor(Endpoints.AGENT_SELF).map(t -> "the token from " + t.source())
        .orElse("no token (none configured)");
    return Optional.of("cluster " + cluster.name() + ": FORBIDDEN: " + forbidden.size() + " of "
        + snapshot.servers().size() + " servers (" + String.join(", ", forbidden) + ") answered 403 on "
        + Endpoints.AGENT_SELF + " with " + token + ". They run and the network is fine; the token lacks the ACL "
        + "rule agent:read, or cannot be resolved without a leader (\"ACL not found\"). Give the watchdog an agent "
        + "token (agent_token, or --agent-token-file: the agents' acl.tokens.agent_master) and the README's "
        + "ACL policy; check --explain-acl names each missing rule.");
  }

  private WatchdogConfig withAgentToken(WatchdogConfig config) throws IOException {
    if (agentTokenFile == null) {
      return config;
    }
    if (config.source().isPresent()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--agent-token-file is for ad-hoc checks; with --config use the cluster's agent_token: {file: ...}");
    }
    if (!Files.isReadable(agentTokenFile)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--agent-token-file: not a readable file (got \"" + agentTokenFile + "\")");
    }
    Secret agent = new Secret("file:" + agentTokenFile, Files.readString(agentTokenFile).trim());
    return config.withClusters(config.clusters().stream()
        .map(c -> c.withTokens(c.aclToken(), Optional.of(agent))).toList());
  }

}
