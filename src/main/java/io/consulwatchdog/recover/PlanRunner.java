package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a recovery plan one step at a time: agent steps through the server's executor, wait and verify steps
 * by polling the cluster; each step is journaled before it runs and after it ends; the first failure stops
 * the plan. {@link #describe} renders the same plan for a dry run without running anything.
 */
public final class PlanRunner {
  private static final Logger log = LoggerFactory.getLogger(PlanRunner.class);

  private final ClusterConfig cluster;
  private final Function<ServerConfig, AgentExecutor> executors;
  private final ClusterObserver observer;
  private final LeaderRead leaderRead;
  private final AuditJournal journal;
  private final WatchdogMetrics metrics;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration pollInterval;
  private final BooleanSupplier stopping;
  private final ActorLease lease;
  /** Threads that run the parts of a multi-agent step together (a few agents at most, idle threads end). */
  private static final ExecutorService PARTS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "recovery-part");
    t.setDaemon(true);
    return t;
  });

  /**
   * A runner for one cluster.
   *
   * @param executors makes the executor of one agent; each executor made is closed when the run ends
   * @param pollInterval time between polls of wait and verify steps
   */
  public PlanRunner(ClusterConfig cluster, Function<ServerConfig, AgentExecutor> executors, ClusterObserver observer,
      LeaderRead leaderRead, AuditJournal journal, WatchdogMetrics metrics, Clock clock, Sleeper sleeper,
      Duration pollInterval) {
    this(cluster, executors, observer, leaderRead, journal, metrics, clock, sleeper, pollInterval, () -> false);
  }

  /**
   * A runner for one cluster that stops before its next step (and ends any wait) once stopping says so.
   *
   * @param stopping true once the watchdog is shutting down
   */
  public PlanRunner(ClusterConfig cluster, Function<ServerConfig, AgentExecutor> executors, ClusterObserver observer,
      LeaderRead leaderRead, AuditJournal journal, WatchdogMetrics metrics, Clock clock, Sleeper sleeper,
      Duration pollInterval, BooleanSupplier stopping) {
    this(cluster, executors, observer, leaderRead, journal, metrics, clock, sleeper, pollInterval, stopping,
        ActorLease.alone());
  }

  /**
   * A runner for one cluster that, before each destructive step, proves through the lease that this watchdog
   * still holds the cluster's lock, and journals the step with the lock's fencing token.
   *
   * @param lease the coordination lock of the cluster ({@link ActorLease#alone()} without coordination)
   */
  public PlanRunner(ClusterConfig cluster, Function<ServerConfig, AgentExecutor> executors, ClusterObserver observer,
      LeaderRead leaderRead, AuditJournal journal, WatchdogMetrics metrics, Clock clock, Sleeper sleeper,
      Duration pollInterval, BooleanSupplier stopping, ActorLease lease) {
    this.lease = lease;
    this.stopping = stopping;
    this.cluster = cluster;
    this.executors = executors;
    this.observer = observer;
    this.leaderRead = leaderRead;
    this.journal = journal;
    this.metrics = metrics;
    this.clock = clock;
    this.sleeper = sleeper;
    this.pollInterval = pollInterval;
  }

  /**
   * Runs the plan's steps from index {@code fromStep} on; stops at the first failure, or before the next step
   * when the watchdog is shutting down, and then (unless the cluster's recovery.undo_on_failure is off) undoes
   * the destructive steps that ran, the failed one included, in reverse order.
   */
  public RunResult run(RecoveryPlan plan, int fromStep) {
    Instant start = clock.instant();
    try (OpenedExecutors opened = new OpenedExecutors(cluster, executors)) {
      for (int i = fromStep; i < plan.steps().size(); i++) {
        Step step = plan.steps().get(i);
        if (stopping.getAsBoolean()) {
          String why = "interrupted by the watchdog's shutdown before step " + (i + 1) + " (" + step.describe() + ")";
          log.warn("recovery {}: {}", plan.id(), why);
          return failed(plan, i - 1, why, start, opened);
        }
        Optional<String> unfenced = startStep(plan, i, step);
        if (unfenced.isPresent()) {
          String why = "step " + (i + 1) + " (" + step.describe() + ") not run: " + unfenced.get();
          log.error("recovery {}: {}", plan.id(), why);
          return failed(plan, i - 1, why, start, opened);
        }
        ExecutionResult result = execute(step, opened);
        journal.stepFinished(plan.id(), i, step, result);
        metrics.stepExecuted(plan.cluster(), step.kind(), result.success());
        if (!result.success()) {
          String why = "step " + (i + 1) + " (" + step.describe() + ") failed: " + oneLine(result);
          log.warn("recovery {}: {}", plan.id(), why);
          return failed(plan, i, why, start, opened);
        }
        log.info("recovery {} step {}/{} done in {} ms", plan.id(), i + 1, plan.steps().size(),
            result.took().toMillis());
      }
      return new RunResult(true, Optional.empty(), "all " + (plan.steps().size() - fromStep) + " steps succeeded",
          Duration.between(start, clock.instant()));
    }
  }

  /**
   * Journals the start of a step; a destructive one first proves that this watchdog still holds the cluster's
   * lock and is journaled (and shared) with its fencing token. Returns why the step must not run, if it must not.
   */
  private Optional<String> startStep(RecoveryPlan plan, int i, Step step) {
    OptionalLong token = OptionalLong.empty();
    if (step.destructive()) {
      ActorLease.Fence fence = lease.fence();
      if (fence instanceof ActorLease.Fence.Lost lost) {
        return Optional.of("the fencing check failed: " + lost.reason());
      }
      token = ((ActorLease.Fence.Held) fence).token();
    }
    log.info("recovery {} step {}/{}: {}{}", plan.id(), i + 1, plan.steps().size(), step.describe(),
        token.isPresent() ? " (fencing token " + token.getAsLong() + ")" : "");
    try {
      journal.stepStarted(plan.id(), i, step, token);
      return Optional.empty();
    } catch (ActorLease.LeaseLostException e) {
      return Optional.of("its start could not be recorded in the coordination store under the lock: " + e.getMessage());
    }
  }

  /** Ends a run that stopped after step lastRun (-1: none ran): undoes what it changed, unless opted out. */
  private RunResult failed(RecoveryPlan plan, int lastRun, String why, Instant start, OpenedExecutors opened) {
    String undone = "";
    if (cluster.recovery().undoOnFailure()) {
      undone = "; " + undo(plan, IntStream.rangeClosed(0, lastRun).boxed().toList(), opened);
    } else if (plan.steps().subList(0, lastRun + 1).stream().anyMatch(Step::destructive)) {
      undone = "; nothing undone (recovery.undo_on_failure is off): check the servers by hand";
    }
    return new RunResult(false, Optional.of(Math.max(0, lastRun)), why + undone,
        Duration.between(start, clock.instant()));
  }

  /**
   * Undoes the destructive steps among the given step indexes, in reverse order, each journaled before and
   * after it runs; every undo is attempted even when one fails. Returns one sentence saying what was undone.
   */
  public String undo(RecoveryPlan plan, List<Integer> ran) {
    try (OpenedExecutors opened = new OpenedExecutors(cluster, executors)) {
      return undo(plan, ran, opened);
    }
  }

  private String undo(RecoveryPlan plan, List<Integer> ran, OpenedExecutors opened) {
    List<Integer> order = ran.stream().filter(i -> i >= 0 && i < plan.steps().size())
        .filter(i -> plan.steps().get(i).undo().isPresent()).sorted(Comparator.reverseOrder()).toList();
    if (order.isEmpty()) {
      return "nothing to undo";
    }
    List<String> done = new ArrayList<>();
    List<String> failedUndos = new ArrayList<>();
    for (int i : order) {
      Step undo = plan.steps().get(i).undo().orElseThrow();
      log.warn("recovery {}: undoing step {} ({}): {}", plan.id(), i + 1, plan.steps().get(i).describe(),
          undo.describe());
      journal.undoStarted(plan.id(), i, undo);
      ExecutionResult result = execute(undo, opened);
      journal.undoFinished(plan.id(), i, undo, result);
      metrics.stepExecuted(plan.cluster(), "undo-" + undo.kind(), result.success());
      (result.success() ? done : failedUndos).add(undo.describe() + (result.success() ? "" : " (" + oneLine(result)
          + ")"));
    }
    return "undone: " + (done.isEmpty() ? "nothing" : String.join(", ", done))
        + (failedUndos.isEmpty() ? "" : "; UNDO FAILED, check by hand: " + String.join(", ", failedUndos));
  }

  /**
   * The dry-run rendering of the very plan that would run: its numbered steps, and under each agent step
   * exactly what the executor would do. Nothing is run.
   */
  public List<String> describe(RecoveryPlan plan) {
    return describe(plan, cluster, executors);
  }

  /** The dry-run rendering of a plan for a cluster whose executors the factory makes (see {@link #describe}). */
  public static List<String> describe(RecoveryPlan plan, ClusterConfig cluster,
      Function<ServerConfig, AgentExecutor> executors) {
    List<String> lines = new ArrayList<>(plan.render().lines().toList());
    try (OpenedExecutors opened = new OpenedExecutors(cluster, executors)) {
      for (int i = 0; i < plan.steps().size(); i++) {
        int number = i + 1;
        for (Step.AgentStep agentStep : agentSteps(plan.steps().get(i))) {
          lines.add(opened.of(agentStep.server())
              .map(e -> String.format("  %2d. via: %s", number, e.describe(agentStep.operation())))
              .orElse(String.format("  %2d. via: unknown agent %s", number, agentStep.server())));
        }
      }
    }
    return lines;
  }

  private ExecutionResult execute(Step step, OpenedExecutors opened) {
    Instant start = clock.instant();
    try {
      if (step instanceof Step.AgentStep a) {
        return runAgentStep(a, opened);
      }
      if (step instanceof Step.MultiAgentStep m) {
        return runTogether(m, opened);
      }
      if (step instanceof Step.WaitForServerUp w) {
        return poll(w.timeout(), () -> observer.observe(cluster),
            s -> ClusterConditions.serverUp(s, w.server()) ? Optional.of(w.server() + " is up") : Optional.empty());
      }
      if (step instanceof Step.WaitForLeader w) {
        return poll(w.timeout(), () -> observer.observe(cluster),
            s -> ClusterConditions.agreedLeader(s).map(l -> "leader " + l));
      }
      if (step instanceof Step.WaitForVoters w) {
        return poll(w.timeout(), () -> observer.observe(cluster), s -> {
          int live = ClusterConditions.liveVotersUnderLeader(s);
          return live >= w.voters() ? Optional.of(live + " live voters") : Optional.empty();
        });
      }
      if (step instanceof Step.VerifyDataReadable v) {
        return poll(v.timeout(), () -> leaderRead.read(cluster),
            r -> r.ok() ? Optional.of(r.detail()) : Optional.empty());
      }
      if (step instanceof Step.VerifyWritable v) {
        return poll(v.timeout(), () -> leaderRead.writeAndRead(cluster, v.key()),
            r -> r.ok() ? Optional.of(r.detail()) : Optional.empty());
      }
      return ExecutionResult.failed("unknown step kind " + step.kind(), Duration.ZERO);
    } catch (RuntimeException e) {
      log.error("step {} threw", step.describe(), e);
      return ExecutionResult.failed("internal error: " + e, Duration.between(start, clock.instant()));
    }
  }

  /** The agent steps a step consists of: itself, the parts of a multi-agent step, or none. */
  public static List<Step.AgentStep> agentSteps(Step step) {
    if (step instanceof Step.AgentStep a) {
      return List.of(a);
    }
    if (step instanceof Step.MultiAgentStep m) {
      return m.parts();
    }
    return List.of();
  }

  /** Runs each part on its own thread, all together; succeeds when every part succeeded. */
  private ExecutionResult runTogether(Step.MultiAgentStep step, OpenedExecutors opened) {
    Instant start = clock.instant();
    List<Step.AgentStep> parts = step.parts();
    parts.forEach(p -> opened.of(p.server())); // opened here, once each, before the parts run on other threads
    Map<String, String> logContext = MDC.getCopyOfContextMap(); // the parts log with the cluster and recovery
    List<CompletableFuture<ExecutionResult>> running = parts.stream()
        .map(p -> CompletableFuture.supplyAsync(() -> withLogContext(logContext, () -> runAgentStep(p, opened)), PARTS))
        .toList();
    List<String> failures = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < parts.size(); i++) {
      ExecutionResult r;
      try {
        r = running.get(i).get(parts.get(i).timeout().toMillis() + 5000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        r = ExecutionResult.failed("interrupted", Duration.ZERO);
      } catch (ExecutionException | TimeoutException e) {
        r = ExecutionResult.failed(e.toString(), Duration.ZERO);
      }
      out.append(parts.get(i).server()).append(": ").append(r.success() ? "ok" : oneLine(r)).append('\n');
      if (!r.success()) {
        failures.add(parts.get(i).describe() + ": " + oneLine(r));
      }
    }
    Duration took = Duration.between(start, clock.instant());
    return failures.isEmpty() ? ExecutionResult.ok(out.toString(), "", took)
        : ExecutionResult.failed(String.join("; ", failures), took);
  }

  private static <T> T withLogContext(Map<String, String> context, Supplier<T> work) {
    if (context != null) {
      MDC.setContextMap(context);
    }
    try {
      return work.get();
    } finally {
      MDC.clear();
    }
  }

  private ExecutionResult runAgentStep(Step.AgentStep step, OpenedExecutors opened) {
    return opened.of(step.server()).map(executor -> executor.run(step.operation(), step.timeout()))
        .orElseGet(() -> ExecutionResult.failed("agent " + step.server() + " is not in the cluster's config",
            Duration.ZERO));
  }

  /** Polls until the check yields a detail or the timeout passes; bounded in time and in count. */
  private <T> ExecutionResult poll(Duration timeout, Supplier<T> probe, Function<T, Optional<String>> check) {
    Instant start = clock.instant();
    Instant deadline = start.plus(timeout);
    long maxPolls = Math.max(1, timeout.toMillis() / Math.max(1, pollInterval.toMillis())) + 2;
    T last = null;
    for (long n = 0; n < maxPolls && !Thread.currentThread().isInterrupted() && !stopping.getAsBoolean(); n++) {
      last = probe.get();
      Optional<String> ok = check.apply(last);
      if (ok.isPresent()) {
        return ExecutionResult.ok(ok.get(), "", Duration.between(start, clock.instant()));
      }
      if (!clock.instant().isBefore(deadline)) {
        break;
      }
      sleeper.sleep(pollInterval);
    }
    String lastSeen = last instanceof LeaderRead.Result r ? "; last: " + r.detail()
        : last instanceof ClusterSnapshot s ? "; last: " + s.reachable().size() + "/" + s.servers().size()
            + " servers answered" : "";
    return ExecutionResult.failed("not reached within " + timeout.toSeconds() + "s" + lastSeen,
        Duration.between(start, clock.instant()));
  }

  private static String oneLine(ExecutionResult r) {
    String detail = !r.error().isBlank() ? r.error() : r.stderr().isBlank() ? "exit code " + r.exitCode()
        : r.stderr().strip().lines().findFirst().orElse("");
    return r.exitCode() >= 0 && !r.error().isBlank() ? detail + " (exit code " + r.exitCode() + ")" : detail;
  }
}
