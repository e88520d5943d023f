package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.AgentExecutors;
import io.consulwatchdog.execute.ExecutorResources;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.plan.PlanOutcome;
import io.consulwatchdog.recover.ClusterReconciler;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.recover.ReconcilerFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** `consul-watchdog plan`: observe now, diagnose, and print the recovery plan the watchdog would run, or why none. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    header = "Print the recovery plan the watchdog would run now, or why there is none.",
    description = {
      "Observe every server once, diagnose the cluster and print the recovery plan the watchdog would run now (the very plan object, step by step), or why there is none. Never changes anything.",
      "",
      "One poll sees a lost quorum at once, but a leaderless cluster with its voters up looks like an election "
          + "until it has stayed leaderless long enough: --watch keeps polling, as the daemon does, until the "
          + "verdict is certain or the time is up, then plans."
    },
    footer = {"", "Exit codes: 0 a plan was printed or nothing needs recovery, 2 recovery is needed but no strategy",
        "fits (see the reasons), 3 the cluster cannot be observed, 64 usage, 78 config.",
        "", "Examples:", "  consul-watchdog plan --config /etc/consul-watchdog/config.yml dc1",
        "  consul-watchdog plan --config /etc/consul-watchdog/config.yml --watch 1m dc1"})
public final class PlanCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--watch", paramLabel = "DURATION",
      description = "Keep polling (each cluster's poll_interval) until the verdict is certain or DURATION has "
          + "passed, e.g. 1m, then plan; the polls are shown on stderr.")
  String watch;

  @Parameters(arity = "0..*", paramLabel = "CLUSTER", description = "Clusters to plan for (default: all in the config).")
  List<String> clusters = new ArrayList<>();

  private final Function<Clock, ClusterObserver> observers;
  private final Optional<Function<ServerConfig, AgentExecutor>> executors;
  private final Clock clock;

  /** The command as registered: real HTTP observation, the real executors (asked only to describe), the system clock. */
  public PlanCommand() {
    this(HttpClusterObserver::new, Optional.empty(), Clock.systemUTC());
  }

  /** A command with injected observation, executor factory and clock. */
  PlanCommand(Function<Clock, ClusterObserver> observers, Optional<Function<ServerConfig, AgentExecutor>> executors,
      Clock clock) {
    this.observers = observers;
    this.executors = executors;
    this.clock = clock;
  }

  @Override
  public Integer call() throws InterruptedException {
    WatchdogConfig config = configOptions.load(spec, false);
    Optional<Duration> watchFor = PollWatch.parse(spec, watch);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int exit = 0;
    // each agent step also prints exactly what its executor would run (a one-shot process: the shared
    // resources, an SSH client at most, end with it); nothing is journaled, no state is written
    try (ClusterObserver observer = observers.apply(clock); ExecutorResources shared = new ExecutorResources()) {
      ReconcilerFactory factory = ReconcilerFactory.standard(observer,
          executors.orElse(s -> AgentExecutors.create(s, shared)), new HttpLeaderRead(), config.stateDir(),
          new WatchdogMetrics(new SimpleMeterRegistry(), clock), clock).readOnly();
      for (ClusterConfig cluster : Selection.clusters(spec, config, clusters)) {
        EffectiveMode mode = CurrentMode.of(config, cluster, clock);
        ClusterReconciler reconciler = factory.create(cluster, () -> mode); // keeps the history between polls
        ClusterReconciler.Preview preview = PollWatch.untilCertain("plan", cluster.name(), cluster.pollInterval(),
            watchFor, reconciler::preview, p -> p.poll().verdict(), err);
        exit = Math.max(exit, print(preview, out));
      }
    }
    out.flush();
    return exit;
  }

  private int print(ClusterReconciler.Preview preview, PrintWriter out) {
    Verdict verdict = preview.poll().verdict();
    out.printf("cluster %s: %s%n", verdict.cluster(), verdict.summary());
    verdict.evidence().forEach(e -> out.printf("  - %s%n", e));
    if (preview.outcome().isEmpty()) {
      out.printf("no plan: the cluster is %s, which the watchdog never recovers%n%n", verdict.code());
      return verdict.code() == DiagnosisCode.UNOBSERVABLE ? 3 : 0;
    }
    preview.lines().forEach(out::println);
    if (preview.outcome().get() instanceof PlanOutcome.Refused) {
      out.println();
      return 2;
    }
    out.println("  " + holdNote(preview, verdict.cluster()));
    out.println();
    return 0;
  }

  /** What the daemon would do with this plan now, given the effective mode and the recovery status. */
  private String holdNote(ClusterReconciler.Preview preview, String cluster) {
    RecoveryStatus status = preview.status();
    if (status.state() == RecoveryState.ESCALATED) {
      return "held: the cluster is ESCALATED; after checking it run: consul-watchdog ack " + cluster;
    }
    if (status.coolingDown(clock.instant())) {
      return "held: cooldown until " + status.cooldownUntil().orElseThrow();
    }
    EffectiveMode mode = preview.mode();
    if (mode.mayAct()) {
      return "mode " + mode.kind().label() + ": the daemon runs this plan once the state is confirmed";
    }
    return mode.kind().plansOnly() ? "mode " + mode.kind().label() + ": the daemon logs this plan and runs nothing"
        : "mode " + mode.kind().label() + ": the daemon only alerts";
  }
}
