package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.decide.Decision;
import io.consulwatchdog.decide.DecisionMaker;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.TopologyStore;
import io.consulwatchdog.plan.PlanOutcome;
import io.consulwatchdog.plan.PlanRequest;
import io.consulwatchdog.plan.Planner;
import io.consulwatchdog.plan.RecoveryPlan;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The loop body for one cluster, read top to bottom: observe and diagnose (through the cluster's
 * {@link ClusterPoller}, which also keeps history, metrics and topology), decide, re-probe, plan, audit,
 * run (or print, in dry-run), verify, record the new state. Only state changes are logged, not every poll.
 */
public final class ClusterReconciler {
  private static final Logger log = LoggerFactory.getLogger(ClusterReconciler.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final ClusterConfig cluster;
  private final ClusterPoller monitor;
  private final DecisionMaker decisionMaker;
  private final Planner planner;
  private final PlanRunner runner;
  private final TopologyStore topology;
  private final AuditJournal journal;
  private final RecoveryStatusStore store;
  private final WatchdogMetrics metrics;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private volatile RecoveryStatus state;
  private String lastRefusal = "";

  /**
   * A watch over one cluster; its state is loaded from the store.
   *
   * @param monitor observes and diagnoses the cluster, keeping its history, metrics and known topology
   * @param runner runs plans through the executors (built with the same journal and clock)
   * @param topology the last-known-good topology store, read at planning time
   */
  public ClusterReconciler(ClusterPoller monitor, DecisionMaker decisionMaker, Planner planner, PlanRunner runner,
      TopologyStore topology, AuditJournal journal, RecoveryStatusStore store, WatchdogMetrics metrics, Clock clock) {
    this.cluster = monitor.cluster();
    this.monitor = monitor;
    this.decisionMaker = decisionMaker;
    this.planner = planner;
    this.runner = runner;
    this.topology = topology;
    this.journal = journal;
    this.store = store;
    this.metrics = metrics;
    this.clock = clock;
    this.state = store.loadOrInitial(cluster.name(), clock.instant());
    metrics.recoveryState(cluster.name(), state.state().name());
  }

  /**
   * Wires a watch with the standard decision maker, planner, journal and state store under the state dir.
   *
   * @param executors makes one agent's executor (a new one per call; the runner closes it after a plan)
   */
  public static ClusterReconciler create(ClusterPoller monitor, ClusterObserver observer,
      Function<ServerConfig, AgentExecutor> executors, LeaderRead leaderRead, Path stateDir, WatchdogMetrics metrics,
      Clock clock) {
    ClusterConfig cluster = monitor.cluster();
    AuditJournal journal = new AuditJournal(stateDir, cluster.name(), clock);
    PlanRunner runner = new PlanRunner(cluster, executors, observer, leaderRead, journal, metrics, clock,
        Sleeper.real(), POLL_DURING_RECOVERY);
    return new ClusterReconciler(monitor, new DecisionMaker(), new Planner(), runner, new TopologyStore(stateDir), journal,
        new RecoveryStatusStore(stateDir), metrics, clock);
  }

  /** Time between polls of the wait and verify steps of a running plan. */
  public static final Duration POLL_DURING_RECOVERY = Duration.ofSeconds(1);

  /** One poll: observe, diagnose, decide and, when decided, recover. */
  public Tick tick() {
    MDC.put("cluster", cluster.name());
    try {
      return tickInCluster();
    } finally {
      MDC.remove("cluster");
    }
  }

  private Tick tickInCluster() {
    RecoveryConfig config = cluster.recovery();
    adoptAcknowledgement();
    Verdict verdict = monitor.poll();
    Decision decision = decisionMaker.decide(verdict, monitor.history(), state, config, clock.instant());
    moveTo(decision.next(), decision.reason());
    if (!decision.recover()) {
      return new Tick(verdict, decision, Optional.empty(), Optional.empty());
    }

    // Re-probe right before acting: the cluster must still need recovery now.
    Verdict confirmed = monitor.poll();
    ClusterSnapshot again = monitor.lastSnapshot();
    if (!confirmed.code().needsRecovery()) {
      moveTo(state.moveTo(RecoveryState.IDLE, clock.instant()), "re-probe found " + confirmed.summary());
      return new Tick(confirmed, decision, Optional.empty(), Optional.empty());
    }

    String id = newRecoveryId();
    PlanOutcome outcome = planner.plan(new PlanRequest(cluster, confirmed, again, topology.load(cluster.name()), id,
        clock.instant()));
    if (outcome instanceof PlanOutcome.Refused refused) {
      String text = refused.render();
      if (!text.equals(lastRefusal)) {
        log.warn("cluster {}: {} but {}", cluster.name(), confirmed.summary(), text.strip());
        lastRefusal = text;
      }
      return new Tick(confirmed, decision, Optional.empty(), Optional.empty());
    }
    lastRefusal = "";
    RecoveryPlan plan = ((PlanOutcome.Planned) outcome).plan();
    journal.recoveryPlanned(plan, decision.dryRun());

    if (decision.dryRun()) {
      log.warn("cluster {}: dry-run, this plan would run now:\n{}", cluster.name(),
          String.join("\n", runner.describe(plan)));
      journal.recoveryFinished(id, AuditEvent.DRY_RUN, "dry-run: the plan was printed, nothing was run");
      metrics.dryRunPlan(cluster.name(), plan.strategy());
      moveTo(state.dryRunPrinted(id, clock.instant(), config), "dry-run plan " + id + " printed");
      return new Tick(confirmed, decision, Optional.of(plan), Optional.empty());
    }

    log.warn("cluster {}: starting recovery {}:\n{}", cluster.name(), id, plan.render());
    moveTo(state.recoveryStarted(id, clock.instant()), "recovery " + id + " (" + plan.strategy() + ") started");
    metrics.recoveryStarted(cluster.name(), plan.strategy());
    RunResult run = runSafely(plan, 0);
    finishRecovery(plan, run);
    return new Tick(confirmed, decision, Optional.of(plan), Optional.of(run));
  }

  /**
   * At startup: a recovery the journal shows unfinished is continued after its last completed step, or
   * ended as FAILED when its interrupted step was destructive or the mode is no longer auto.
   */
  public Optional<RunResult> resumeUnfinished() {
    Optional<UnfinishedRecovery> unfinished = journal.unfinished();
    if (unfinished.isEmpty()) {
      if (state.state().inRecovery()) {
        String why = "state file says " + state.state() + " but the journal shows no unfinished recovery";
        moveTo(state.recoveryFinished(false, clock.instant(), cluster.recovery()), why);
      }
      return Optional.empty();
    }
    RecoveryPlan plan = unfinished.get().plan();
    if (!state.state().inRecovery() || !state.recoveryId().equals(Optional.of(plan.id()))) {
      state = state.restoredRecovering(plan.id(), clock.instant());
    }
    UnfinishedRecovery.ResumePoint point = unfinished.get().resumePoint();
    if (!RecoveryConfig.AUTO.equals(cluster.recovery().mode())) {
      point = new UnfinishedRecovery.ResumePoint.Abandon("the watchdog restarted in mode "
          + cluster.recovery().mode() + ": the unfinished recovery is not continued");
    }
    if (point instanceof UnfinishedRecovery.ResumePoint.Abandon abandon) {
      log.error("cluster {}: recovery {} interrupted by a watchdog restart: {}", cluster.name(), plan.id(),
          abandon.reason());
      RunResult failed = new RunResult(false, Optional.empty(), abandon.reason(), Duration.ZERO);
      finishRecovery(plan, failed);
      return Optional.of(failed);
    }
    // Re-probe before continuing, as tick() does before acting: the cluster may have healed meanwhile.
    Verdict now = monitor.poll();
    if (!now.code().needsRecovery()) {
      String why = "not continued after a watchdog restart: the cluster no longer needs it (" + now.summary() + ")";
      log.warn("cluster {}: recovery {} {}", cluster.name(), plan.id(), why);
      RunResult ended = new RunResult(true, Optional.empty(), why, Duration.ZERO);
      finishRecovery(plan, ended); // verifies a leader like any finished run; FAILED without one
      return Optional.of(ended);
    }
    int from = ((UnfinishedRecovery.ResumePoint.Continue) point).fromStep();
    log.warn("cluster {}: resuming recovery {} at step {}/{} after a watchdog restart", cluster.name(), plan.id(),
        from + 1, plan.steps().size());
    RunResult run = runSafely(plan, from);
    finishRecovery(plan, run);
    return Optional.of(run);
  }

  /** Runs a plan; an internal error (a journal that cannot be written...) ends it as failed, never silently. */
  private RunResult runSafely(RecoveryPlan plan, int from) {
    try {
      return runner.run(plan, from);
    } catch (RuntimeException e) {
      log.error("cluster {}: recovery {} stopped on an internal error: {}", cluster.name(), plan.id(), e.toString(), e);
      return new RunResult(false, Optional.empty(), "stopped on an internal error: " + e, Duration.ZERO);
    }
  }

  /** An operator's `consul-watchdog ack` rewrote state.json while this watch held ESCALATED: adopt it. */
  private void adoptAcknowledgement() {
    if (state.state() != RecoveryState.ESCALATED) {
      return;
    }
    store.load(cluster.name())
        .filter(saved -> saved.state() != RecoveryState.ESCALATED && saved.acknowledgedAt().isPresent()
            && !saved.acknowledgedAt().equals(state.acknowledgedAt()))
        .ifPresent(saved -> {
          log.info("cluster {}: {} -> {}: acknowledged by an operator at {}", cluster.name(), state.state(),
              saved.state(), saved.acknowledgedAt().get());
          state = saved;
          metrics.recoveryState(cluster.name(), state.state().name());
        });
  }

  /** The current watch state. */
  public RecoveryStatus state() {
    return state;
  }

  /** The snapshot of the most recent poll, or null before the first. */
  public ClusterSnapshot lastSnapshot() {
    return monitor.lastSnapshot();
  }

  /** The history of verdicts so far. */
  public History history() {
    return monitor.history();
  }

  /** Verifies a finished run, journals and counts the outcome, and moves to COOLDOWN, FAILED or ESCALATED. */
  private void finishRecovery(RecoveryPlan plan, RunResult run) {
    boolean succeeded = run.succeeded();
    String reason = run.reason();
    if (succeeded) {
      moveTo(state.moveTo(RecoveryState.VERIFYING, clock.instant()), "recovery " + plan.id() + " steps done");
      Verdict after = monitor.poll();
      succeeded = after.leader().isPresent();
      reason = (succeeded ? "verified: " : "verification failed: ") + after.summary();
    }
    journal.recoveryFinished(plan.id(), succeeded ? AuditEvent.SUCCEEDED : AuditEvent.FAILED, reason);
    metrics.recoveryFinished(cluster.name(), plan.strategy(), succeeded, run.took());
    RecoveryStatus next = state.recoveryFinished(succeeded, clock.instant(), cluster.recovery());
    moveTo(next, "recovery " + plan.id() + (succeeded ? " succeeded: " : " failed: ") + reason);
    if (next.state() == RecoveryState.ESCALATED) {
      metrics.escalated(cluster.name());
    }
  }

  /** Adopts the next state; logs and persists it when it differs from the current one. */
  private void moveTo(RecoveryStatus next, String reason) {
    if (next.equals(state)) {
      return;
    }
    if (next.state() != state.state()) {
      log.info("cluster {}: {} -> {}{}: {}", cluster.name(), state.state(), next.state(),
          next.recoveryId().map(id -> " [recovery " + id + "]").orElse(""), reason);
    }
    state = next;
    store.save(state);
    metrics.recoveryState(cluster.name(), state.state().name());
  }

  private String newRecoveryId() {
    return ID_TIME.format(clock.instant()) + "-" + String.format("%04x", random.nextInt(0x10000));
  }

  /**
   * What one tick saw and did.
   *
   * @param verdict the last verdict of the tick (the re-probe's when there was one)
   * @param decision the decision taken
   * @param plan the plan made, if any (run, or printed in dry-run)
   * @param run how the run ended, if a plan ran
   */
  public record Tick(Verdict verdict, Decision decision, Optional<RecoveryPlan> plan, Optional<RunResult> run) {}
}
