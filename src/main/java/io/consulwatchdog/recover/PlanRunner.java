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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  /**
   * A runner for one cluster.
   *
   * @param executors makes the executor of one agent; each executor made is closed when the run ends
   * @param pollInterval time between polls of wait and verify steps
   */
  public PlanRunner(ClusterConfig cluster, Function<ServerConfig, AgentExecutor> executors, ClusterObserver observer,
      LeaderRead leaderRead, AuditJournal journal, WatchdogMetrics metrics, Clock clock, Sleeper sleeper,
      Duration pollInterval) {
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

  /** Runs the plan's steps from index {@code fromStep} on; stops at the first failure. */
  public RunResult run(RecoveryPlan plan, int fromStep) {
    Instant start = clock.instant();
    Map<String, AgentExecutor> opened = new LinkedHashMap<>();
    try {
      for (int i = fromStep; i < plan.steps().size(); i++) {
        Step step = plan.steps().get(i);
        log.info("recovery {} step {}/{}: {}", plan.id(), i + 1, plan.steps().size(), step.describe());
        journal.stepStarted(plan.id(), i, step);
        ExecutionResult result = execute(step, opened);
        journal.stepFinished(plan.id(), i, step, result);
        metrics.stepExecuted(plan.cluster(), step.kind(), result.success());
        if (!result.success()) {
          String why = "step " + (i + 1) + " (" + step.describe() + ") failed: " + oneLine(result);
          log.warn("recovery {}: {}", plan.id(), why);
          return new RunResult(false, Optional.of(i), why, Duration.between(start, clock.instant()));
        }
        log.info("recovery {} step {}/{} done in {} ms", plan.id(), i + 1, plan.steps().size(),
            result.took().toMillis());
      }
      return new RunResult(true, Optional.empty(), "all " + (plan.steps().size() - fromStep) + " steps succeeded",
          Duration.between(start, clock.instant()));
    } finally {
      opened.values().forEach(PlanRunner::closeQuietly);
    }
  }

  /**
   * The dry-run rendering of the very plan that would run: its numbered steps, and under each agent step
   * exactly what the executor would do. Nothing is run.
   */
  public List<String> describe(RecoveryPlan plan) {
    return PlanDescriber.describe(plan, cluster, executors);
  }

  private ExecutionResult execute(Step step, Map<String, AgentExecutor> opened) {
    Instant start = clock.instant();
    try {
      if (step instanceof Step.AgentStep a) {
        return runAgentStep(a, opened);
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
      return ExecutionResult.failed("unknown step kind " + step.kind(), Duration.ZERO);
    } catch (RuntimeException e) {
      log.error("step {} threw", step.describe(), e);
      return ExecutionResult.failed("internal error: " + e, Duration.between(start, clock.instant()));
    }
  }

  private ExecutionResult runAgentStep(Step.AgentStep step, Map<String, AgentExecutor> opened) {
    Optional<ServerConfig> server = PlanDescriber.agent(cluster, step.server());
    if (server.isEmpty()) {
      return ExecutionResult.failed("agent " + step.server() + " is not in the cluster's config", Duration.ZERO);
    }
    AgentExecutor executor = opened.computeIfAbsent(step.server(), n -> executors.apply(server.get()));
    return executor.run(step.operation(), step.timeout());
  }

  /** Polls until the check yields a detail or the timeout passes; bounded in time and in count. */
  private <T> ExecutionResult poll(Duration timeout, Supplier<T> probe, Function<T, Optional<String>> check) {
    Instant start = clock.instant();
    Instant deadline = start.plus(timeout);
    long maxPolls = Math.max(1, timeout.toMillis() / Math.max(1, pollInterval.toMillis())) + 2;
    T last = null;
    for (long n = 0; n < maxPolls && !Thread.currentThread().isInterrupted(); n++) {
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

  static void closeQuietly(AgentExecutor executor) {
    try {
      executor.close();
    } catch (RuntimeException e) {
      log.warn("closing executor failed: {}", e.toString());
    }
  }
}
