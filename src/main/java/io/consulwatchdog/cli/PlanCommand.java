package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.observe.TopologyStore;
import io.consulwatchdog.plan.PlanOutcome;
import io.consulwatchdog.plan.PlanRequest;
import io.consulwatchdog.plan.Planner;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.recover.PlanDescriber;
import io.consulwatchdog.recover.RecoveryStatusStore;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** `consul-watchdog plan`: observe now, diagnose, and print the recovery plan the watchdog would run, or why none. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    header = "Print the recovery plan the watchdog would run now, or why there is none.",
    description = {
      "Observe every server once, diagnose the cluster and print the recovery plan the watchdog would run now (the very plan object, step by step), or why there is none. Never changes anything."
    },
    footer = {"", "Exit codes: 0 a plan was printed or nothing needs recovery, 2 recovery is needed but no strategy",
        "fits (see the reasons), 3 the cluster cannot be observed, 64 usage, 78 config.",
        "", "Example:", "  consul-watchdog plan --config /etc/consul-watchdog/config.yml dc1"})
public final class PlanCommand implements Callable<Integer> {
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Parameters(arity = "0..*", paramLabel = "CLUSTER", description = "Clusters to plan for (default: all in the config).")
  List<String> clusters = new ArrayList<>();

  private final Function<Clock, ClusterObserver> observers;
  private final Optional<Function<ServerConfig, AgentExecutor>> executors;
  private final Clock clock;

  /** The command as registered: real HTTP observation, the system clock. */
  public PlanCommand() {
    // each agent step also prints exactly what its executor would run (a one-shot process: the shared
    // resources, an SSH client at most, end with it)
    this(HttpClusterObserver::new, Optional.of(agentExecutors(new io.consulwatchdog.execute.ExecutorResources())),
        Clock.systemUTC());
  }

  private static Function<ServerConfig, AgentExecutor> agentExecutors(io.consulwatchdog.execute.ExecutorResources shared) {
    return server -> io.consulwatchdog.execute.AgentExecutors.create(server, shared);
  }

  /** A command with injected observation, executor factory and clock (tests, or the lead's wiring). */
  PlanCommand(Function<Clock, ClusterObserver> observers, Optional<Function<ServerConfig, AgentExecutor>> executors,
      Clock clock) {
    this.observers = observers;
    this.executors = executors;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    WatchdogConfig config = configOptions.load(spec, false);
    PrintWriter out = spec.commandLine().getOut();
    int exit = 0;
    try (ClusterObserver observer = observers.apply(clock)) {
      for (ClusterConfig cluster : Selection.clusters(spec, config, clusters)) {
        exit = Math.max(exit, planOne(config, cluster, observer, out));
      }
    }
    out.flush();
    return exit;
  }

  private int planOne(WatchdogConfig config, ClusterConfig cluster, ClusterObserver observer, PrintWriter out) {
    ClusterSnapshot snapshot = observer.observe(cluster);
    Instant now = clock.instant();
    Verdict verdict = new ClusterDiagnoser().diagnose(snapshot, History.empty(), now,
        cluster.recovery().leaderlessAfter());
    out.printf("cluster %s: %s%n", cluster.name(), verdict.summary());
    verdict.evidence().forEach(e -> out.printf("  - %s%n", e));
    if (!verdict.code().needsRecovery()) {
      out.printf("no plan: the cluster is %s, which the watchdog never recovers%n%n", verdict.code());
      return verdict.code() == io.consulwatchdog.diagnose.DiagnosisCode.UNOBSERVABLE ? 3 : 0;
    }
    String id = ID_TIME.format(now) + "-plan";
    PlanOutcome outcome = new Planner().plan(new PlanRequest(cluster, verdict, snapshot,
        new TopologyStore(config.stateDir()).load(cluster.name()), id, now));
    if (outcome instanceof PlanOutcome.Refused refused) {
      out.print(refused.render());
      out.println();
      return 2;
    }
    RecoveryPlan plan = ((PlanOutcome.Planned) outcome).plan();
    if (executors.isPresent()) {
      PlanDescriber.describe(plan, cluster, executors.get()).forEach(out::println);
    } else {
      out.print(plan.render());
    }
    out.println("  " + holdNote(config, cluster, now));
    out.println();
    return 0;
  }

  /** What the daemon would do with this plan now, given the mode and the persisted recovery state. */
  private static String holdNote(WatchdogConfig config, ClusterConfig cluster, Instant now) {
    RecoveryStatus state = new RecoveryStatusStore(config.stateDir()).loadOrInitial(cluster.name(), now);
    if (state.state() == RecoveryState.ESCALATED) {
      return "held: the cluster is ESCALATED; after checking it run: consul-watchdog ack " + cluster.name();
    }
    if (state.coolingDown(now)) {
      return "held: cooldown until " + state.cooldownUntil().orElseThrow();
    }
    return switch (cluster.recovery().mode()) {
      case RecoveryConfig.AUTO -> "mode auto: the daemon runs this plan once the state is confirmed";
      case RecoveryConfig.DRY_RUN -> "mode dry-run: the daemon logs this plan and runs nothing";
      default -> "mode " + cluster.recovery().mode() + ": the daemon only alerts";
    };
  }
}
