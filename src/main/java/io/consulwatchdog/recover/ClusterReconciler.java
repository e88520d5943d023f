package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.decide.Decision;
import io.consulwatchdog.decide.DecisionMaker;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.History;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.TopologyStore;
import io.consulwatchdog.plan.PlanOutcome;
import io.consulwatchdog.plan.PlanRequest;
import io.consulwatchdog.plan.Planner;
import io.consulwatchdog.plan.RecoveryPlan;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The loop of one cluster, read top to bottom in {@link #tick}: observe and diagnose (the poller), decide,
 * re-probe, plan, audit, act (or log the plan when the mode only plans), verify, record the new status.
 * Only changes of status are logged, not every poll. Built by {@link ReconcilerFactory}.
 */
public final class ClusterReconciler {
  private static final Logger log = LoggerFactory.getLogger(ClusterReconciler.class);
  /** The MDC key of the recovery ID, set on every line logged while a recovery is planned, run or resumed. */
  public static final String RECOVERY_KEY = "recovery";
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final ClusterConfig cluster;
  private final ClusterPoller poller;
  private final DecisionMaker decisionMaker;
  private final Planner planner;
  private final PlanRunner runner;
  private final TopologyStore topology;
  private final AuditJournal journal;
  private final RecoveryStatusStore store;
  private final WatchdogMetrics metrics;
  private final Supplier<EffectiveMode> mode;
  private final Clock clock;
  private final ActorLease lease;
  private final SecureRandom random = new SecureRandom();

  private volatile RecoveryStatus status;
  private volatile ActorLease.Standing standing;
  private boolean resumeChecked;
  /** When the last successful recovery started, until every voter is back (the cluster HEALTHY). */
  private Optional<Instant> redundancyPending = Optional.empty();
  private String lastRefusal = "";
  private String lastStandbyNote = "";

  /** A loop over one cluster with its collaborators; its status is loaded from the store. */
  ClusterReconciler(ClusterConfig cluster, ClusterPoller poller, DecisionMaker decisionMaker, Planner planner,
      PlanRunner runner, TopologyStore topology, AuditJournal journal, RecoveryStatusStore store,
      WatchdogMetrics metrics, Supplier<EffectiveMode> mode, Clock clock, ActorLease lease) {
    this.lease = lease;
    this.standing = lease.standing();
    this.cluster = cluster;
    this.poller = poller;
    this.decisionMaker = decisionMaker;
    this.planner = planner;
    this.runner = runner;
    this.topology = topology;
    this.journal = journal;
    this.store = store;
    this.metrics = metrics;
    this.mode = mode;
    this.clock = clock;
    this.status = store.loadOrInitial(cluster.name(), clock.instant());
    metrics.recoveryState(cluster.name(), status.state().name());
  }

  /**
   * One poll: observe, diagnose, decide and, when decided and this watchdog holds the cluster's lock, recover.
   * The first tick as holder first finishes (or safely ends) a recovery that a previous run of the watchdog,
   * or the previous holder, left unfinished.
   */
  public Tick tick() {
    MDC.put("cluster", cluster.name());
    try {
      ActorLease.Standing now = lookUpStanding();
      if (now instanceof ActorLease.Standing.Holding && !resumeChecked) {
        resumeUnfinished();
        MDC.remove(RECOVERY_KEY); // the resumed recovery has ended: the tick's own poll is not part of it
        if (!resumeChecked) {
          now = new ActorLease.Standing.Unavailable("the shared recovery progress cannot be read yet");
        }
      }
      return tickInCluster(now);
    } finally {
      MDC.remove(RECOVERY_KEY);
      MDC.remove("cluster");
    }
  }

  /** Asks the lease where this watchdog stands; logs and exports each change; a holder that stops holding resumes again when it holds again. */
  private ActorLease.Standing lookUpStanding() {
    ActorLease.Standing now = lease.standing();
    if (!now.equals(standing)) {
      log.info("cluster {}: coordination: {} (was: {})", cluster.name(), now.describe(), standing.describe());
      if (!(now instanceof ActorLease.Standing.Holding)) {
        resumeChecked = false;
      }
    }
    standing = now;
    metrics.recoveryBlocked(cluster.name(), "coordination_unavailable", now instanceof ActorLease.Standing.Unavailable);
    return now;
  }

  private Tick tickInCluster(ActorLease.Standing standingNow) {
    adoptAcknowledgement();
    PollResult seen = poller.poll();
    noteRedundancy(seen.verdict());
    EffectiveMode now = mode.get();
    Decision decision = decisionMaker.decide(seen.verdict(), poller.history(), status, cluster.recovery(), now,
        clock.instant());
    moveTo(decision.next(), decision.reason());
    if (!decision.plans()) {
      return new Tick(seen, decision, Optional.empty(), Optional.empty());
    }
    if (!(standingNow instanceof ActorLease.Standing.Holding)) {
      noteNotActing(decision, standingNow);
      return new Tick(seen, decision, Optional.empty(), Optional.empty());
    }
    lastStandbyNote = "";

    // Re-probe right before acting: the cluster must still be in the very state that was confirmed.
    PollResult again = poller.poll();
    if (!again.verdict().code().needsRecovery()) {
      moveTo(status.moveTo(RecoveryState.IDLE, clock.instant()), "re-probe found " + again.verdict().summary());
      return new Tick(again, decision, Optional.empty(), Optional.empty());
    }
    if (!DecisionMaker.samePinnedState(again.verdict(), seen.verdict())) {
      moveTo(status.moveTo(RecoveryState.SUSPECT, clock.instant()), "re-probe found " + again.verdict().summary()
          + " (servers " + again.verdict().concerned() + "), not the confirmed " + seen.verdict().summary()
          + " (servers " + seen.verdict().concerned() + "): confirmation starts again");
      return new Tick(again, decision, Optional.empty(), Optional.empty());
    }
    Optional<RecoveryPlan> planned = plan(again, newRecoveryId());
    if (planned.isEmpty()) {
      return new Tick(again, decision, Optional.empty(), Optional.empty());
    }
    RecoveryPlan plan = planned.get();
    MDC.put(RECOVERY_KEY, plan.id()); // every line from here to the end of the tick names the recovery
    // read again: a pause or a maintenance window that began during the re-probe holds this plan too
    EffectiveMode atStart = mode.get();
    boolean planOnly = decision.kind() == Decision.Kind.PLAN_ONLY || !atStart.mayAct();
    journal.recoveryPlanned(plan, planOnly);
    if (planOnly) {
      logPlanOnly(plan, atStart);
      return new Tick(again, decision, planned, Optional.empty());
    }

    log.warn("cluster {}: starting recovery {}:\n{}", cluster.name(), plan.id(), plan.render());
    moveTo(status.recoveryStarted(plan.id(), clock.instant()), "recovery " + plan.id() + " (" + plan.strategy()
        + ") started");
    metrics.recoveryStarted(cluster.name(), plan.strategy());
    RunResult run = runSafely(plan, 0);
    finishRecovery(plan, run);
    return new Tick(again, decision, planned, Optional.of(run));
  }

  /** After a successful recovery, the first HEALTHY poll means every voter is back: say so and export it. */
  private void noteRedundancy(Verdict verdict) {
    if (redundancyPending.isPresent() && verdict.code() == DiagnosisCode.HEALTHY) {
      Duration took = Duration.between(redundancyPending.get(), verdict.at());
      log.info("cluster {}: every voter back ({} of {}) {} ms after the last recovery started", cluster.name(),
          verdict.liveVoters(), verdict.voters(), took.toMillis());
      metrics.redundancyRestored(cluster.name(), took);
      redundancyPending = Optional.empty();
    }
  }

  /** Only the lock holder plans and acts: a standby, or a watchdog that cannot reach the store, says so once per change. */
  private void noteNotActing(Decision decision, ActorLease.Standing now) {
    String note = now.describe();
    if (!note.equals(lastStandbyNote)) {
      String what = now instanceof ActorLease.Standing.Unavailable ? "no recovery starts" : "this watchdog does not act";
      log.warn("cluster {}: {}; {}: {}", cluster.name(), decision.reason(), what, note);
      lastStandbyNote = note;
    }
  }

  /** Plans from a poll; a refusal is logged once per distinct reason and gives no plan. */
  private Optional<RecoveryPlan> plan(PollResult poll, String id) {
    PlanOutcome outcome = planner.plan(request(poll, id));
    if (outcome instanceof PlanOutcome.Refused refused) {
      String text = refused.render();
      if (!text.equals(lastRefusal)) {
        log.warn("cluster {}: {} but {}", cluster.name(), poll.verdict().summary(), text.strip());
        lastRefusal = text;
      }
      return Optional.empty();
    }
    lastRefusal = "";
    return Optional.of(((PlanOutcome.Planned) outcome).plan());
  }

  private PlanRequest request(PollResult poll, String id) {
    return new PlanRequest(cluster, poll.verdict(), poll.snapshot(), topology.load(cluster.name()), id,
        clock.instant(), poller.lastLogIndexes());
  }

  /** The mode only plans: the plan is logged with exactly what each step would run, and nothing runs. */
  private void logPlanOnly(RecoveryPlan plan, EffectiveMode now) {
    log.warn("cluster {}: mode {}, this plan would run now:\n{}", cluster.name(), now,
        String.join("\n", runner.describe(plan)));
    journal.recoveryFinished(plan.id(), AuditEvent.DRY_RUN, "mode " + now + ": the plan was logged, nothing was run");
    metrics.dryRunPlan(cluster.name(), plan.strategy());
    moveTo(status.dryRunPrinted(plan.id(), clock.instant(), cluster.recovery()), "plan " + plan.id() + " logged");
  }

  /**
   * What the watchdog would do now, without doing it and without journaling: one poll, its diagnosis
   * (with no history but this watchdog's), and the plan with each step's exact action, or why none.
   */
  public Preview preview() {
    PollResult now = poller.poll();
    if (!now.verdict().code().needsRecovery()) {
      return new Preview(now, Optional.empty(), List.of(), mode.get(), status);
    }
    PlanOutcome outcome = planner.plan(request(now, ID_TIME.format(clock.instant()) + "-plan"));
    List<String> lines = outcome instanceof PlanOutcome.Planned p ? runner.describe(p.plan())
        : ((PlanOutcome.Refused) outcome).render().lines().toList();
    return new Preview(now, Optional.of(outcome), lines, mode.get(), status);
  }

  /**
   * Finishes a recovery the journal shows unfinished: continued after its last completed step, or ended as
   * FAILED when its interrupted step was destructive or the mode no longer acts. Called by the first tick.
   */
  public Optional<RunResult> resumeUnfinished() {
    Optional<UnfinishedRecovery> unfinished;
    try {
      unfinished = lease.solo() ? journal.unfinished() : adoptSharedProgress();
    } catch (ActorLease.LeaseLostException e) {
      log.warn("cluster {}: the shared recovery progress cannot be read: {}; no recovery starts until it can",
          cluster.name(), e.getMessage());
      return Optional.empty();
    }
    resumeChecked = true;
    if (unfinished.isEmpty()) {
      if (status.state().inRecovery()) {
        String why = "state file says " + status.state() + " but the journal shows no unfinished recovery";
        moveTo(status.recoveryFinished(false, clock.instant(), cluster.recovery()), why);
      }
      return Optional.empty();
    }
    RecoveryPlan plan = unfinished.get().plan();
    MDC.put(RECOVERY_KEY, plan.id());
    if (!status.state().inRecovery() || !status.recoveryId().equals(Optional.of(plan.id()))) {
      status = status.restoredRecovering(plan.id(), clock.instant());
    }
    if (unfinished.get().changedServers()) {
      // Servers were stopped or files written: put them back rather than continue from a state this run
      // of the watchdog did not see happen, whatever the mode is now.
      log.error("cluster {}: recovery {} was interrupted ({}) after changing servers; putting back what it "
          + "changed", cluster.name(), plan.id(), lease.solo() ? "a watchdog restart" : "its holder stopped");
      String undone = runner.undo(plan, unfinished.get().ranOrStarted());
      RunResult interrupted = new RunResult(true, Optional.empty(), "interrupted by a watchdog restart; " + undone,
          Duration.ZERO);
      return Optional.of(finishRecovery(plan, interrupted)); // SUCCEEDED only with a leader now, else FAILED
    }
    UnfinishedRecovery.ResumePoint point = unfinished.get().resumePoint();
    EffectiveMode now = mode.get();
    if (!now.mayAct()) {
      point = new UnfinishedRecovery.ResumePoint.Abandon("the watchdog restarted in mode " + now
          + ": the unfinished recovery is not continued");
    }
    if (point instanceof UnfinishedRecovery.ResumePoint.Abandon abandon) {
      log.error("cluster {}: recovery {} interrupted by a watchdog restart: {}", cluster.name(), plan.id(),
          abandon.reason());
      RunResult failed = new RunResult(false, Optional.empty(), abandon.reason(), Duration.ZERO);
      finishRecovery(plan, failed);
      return Optional.of(failed);
    }
    // Re-probe before continuing, as tick() does before acting: the cluster may have healed meanwhile.
    Verdict verdict = poller.poll().verdict();
    if (!verdict.code().needsRecovery()) {
      String why = "not continued after a watchdog restart: the cluster no longer needs it (" + verdict.summary() + ")";
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

  /**
   * The recovery the coordination store shows unfinished, taken over into this journal; a recovery this
   * journal shows unfinished that the store does not show under way is ended here without running anything:
   * another holder took it over, or none of its destructive steps ran (each is shared before it runs).
   */
  private Optional<UnfinishedRecovery> adoptSharedProgress() {
    List<AuditEvent> shared = lease.sharedProgress();
    Optional<UnfinishedRecovery> fromStore = UnfinishedRecovery.of(shared);
    Optional<String> storeId = fromStore.map(u -> u.plan().id());
    journal.unfinished().filter(local -> !storeId.equals(Optional.of(local.plan().id()))).ifPresent(local -> {
      String why = "not continued by this watchdog: the coordination store shows " + storeId.map(id -> "recovery "
          + id + " under way").orElse("no unfinished recovery") + " (another watchdog took it over, or none of "
          + "its destructive steps ran)";
      log.warn("cluster {}: recovery {} {}", cluster.name(), local.plan().id(), why);
      journal.recoveryFinished(local.plan().id(), AuditEvent.FAILED, why);
    });
    if (fromStore.isPresent()) {
      log.warn("cluster {}: taking over recovery {} from the coordination store ({} events)", cluster.name(),
          storeId.get(), shared.size());
      journal.adopt(shared.stream().filter(e -> storeId.get().equals(e.recoveryId())).toList());
    }
    return fromStore;
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

  /** An operator's `consul-watchdog ack` rewrote state.json while this loop held ESCALATED: adopt it. */
  private void adoptAcknowledgement() {
    if (status.state() != RecoveryState.ESCALATED) {
      return;
    }
    store.load(cluster.name())
        .filter(saved -> saved.state() != RecoveryState.ESCALATED && saved.acknowledgedAt().isPresent()
            && !saved.acknowledgedAt().equals(status.acknowledgedAt()))
        .ifPresent(saved -> {
          log.info("cluster {}: {} -> {}: acknowledged by an operator at {}", cluster.name(), status.state(),
              saved.state(), saved.acknowledgedAt().get());
          status = saved;
          metrics.recoveryState(cluster.name(), status.state().name());
        });
  }

  /** Verifies a finished run, journals and counts its outcome, moves to COOLDOWN, FAILED or ESCALATED, and returns how it ended. */
  private RunResult finishRecovery(RecoveryPlan plan, RunResult run) {
    boolean succeeded = run.succeeded();
    String reason = run.reason();
    if (succeeded) {
      moveTo(status.moveTo(RecoveryState.VERIFYING, clock.instant()), "recovery " + plan.id() + " steps done");
      Verdict after = poller.poll().verdict();
      succeeded = after.leader().isPresent();
      reason = reason + "; " + (succeeded ? "verified: " : "verification failed: ") + after.summary();
    }
    try {
      journal.recoveryFinished(plan.id(), succeeded ? AuditEvent.SUCCEEDED : AuditEvent.FAILED, reason);
    } catch (RuntimeException e) { // an unwritable journal ends the recovery FAILED, never RECOVERING forever
      log.error("cluster {}: recovery {}: the audit journal cannot be written: {}", cluster.name(), plan.id(), e.toString());
      succeeded = false;
      reason = "the audit journal cannot be written (" + e.getMessage() + "); " + reason;
    }
    metrics.recoveryFinished(cluster.name(), plan.strategy(), succeeded, run.took());
    RecoveryStatus next = status.recoveryFinished(succeeded, clock.instant(), cluster.recovery());
    redundancyPending = succeeded ? Optional.of(clock.instant().minus(run.took())) : Optional.empty();
    moveTo(next, "recovery " + plan.id() + (succeeded ? " succeeded: " : " failed: ") + reason);
    if (next.state() == RecoveryState.ESCALATED) {
      metrics.escalated(cluster.name());
    }
    return new RunResult(succeeded, run.failedStep(), reason, run.took());
  }

  /** Adopts the next status; logs and persists it when it differs from the current one. */
  private void moveTo(RecoveryStatus next, String reason) {
    if (next.equals(status)) {
      return;
    }
    if (next.state() != status.state()) {
      log.info("cluster {}: {} -> {}{}: {}", cluster.name(), status.state(), next.state(),
          next.recoveryId().map(id -> " [recovery " + id + "]").orElse(""), reason);
    }
    status = next;
    store.save(status);
    metrics.recoveryState(cluster.name(), status.state().name());
  }

  private String newRecoveryId() {
    return ID_TIME.format(clock.instant()) + "-" + String.format("%04x", random.nextInt(0x10000));
  }

  /** Where this watchdog stood for the cluster at the last tick (holder, standby, or coordination unavailable). */
  public ActorLease.Standing standing() {
    return standing;
  }

  /** The node IDs (lower case) of the servers this loop has seen answer, to tell the watched clusters apart from the coordination store. */
  public Set<String> seenNodeIds() {
    return poller.lastLogIndexes().keySet();
  }

  /** The cluster this loop watches. */
  public ClusterConfig cluster() {
    return cluster;
  }

  /** The current recovery status. */
  public RecoveryStatus state() {
    return status;
  }

  /** The cluster's recovery settings in force. */
  public RecoveryConfig recovery() {
    return cluster.recovery();
  }

  /** The effective mode now. */
  public EffectiveMode mode() {
    return mode.get();
  }

  /** The history of verdicts so far. */
  public History history() {
    return poller.history();
  }

  /**
   * What one tick saw and did.
   *
   * @param poll the last poll of the tick (the re-probe when there was one)
   * @param decision the decision taken
   * @param plan the plan made, if any (run, or logged when the mode only plans)
   * @param run how the run ended, if a plan ran
   */
  public record Tick(PollResult poll, Decision decision, Optional<RecoveryPlan> plan, Optional<RunResult> run) {
    /** The verdict of the tick's last poll. */
    public Verdict verdict() {
      return poll.verdict();
    }
  }

  /**
   * What {@link #preview} found.
   *
   * @param poll the poll it planned from
   * @param outcome the plan or the refusal, when the cluster needs recovery
   * @param lines the plan with each step's exact action, or the refusal's reasons
   * @param mode the effective mode
   * @param status the recovery status (cooldown, escalation)
   */
  public record Preview(PollResult poll, Optional<PlanOutcome> outcome, List<String> lines, EffectiveMode mode,
      RecoveryStatus status) {}
}
