package io.consulwatchdog.recover;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.decide.DecisionMaker;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.Diagnoser;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.RetirementStore;
import io.consulwatchdog.observe.TopologyStore;
import io.consulwatchdog.plan.Planner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one place where a cluster's loop is assembled (poller, decision maker, planner, runner, journal,
 * stores) from the resources the daemon, the demo and the plan command share.
 *
 * @param observer observes clusters over HTTP
 * @param executors makes one agent's executor (a new one per call; the runner closes it after a plan)
 * @param leaderRead the consistent read that verifies a recovery
 * @param stateDir where topology, recovery status and the audit journal are kept
 * @param metrics the metrics every loop exports
 * @param clock the injected wall clock
 * @param diagnoser the diagnosis (the real one unless a test replaces it)
 * @param sleeper waits between polls of a running plan's wait steps
 * @param pollDuringRecovery time between those polls
 * @param lookOnly true for tools that only look: the known topology is read, never written
 * @param stopping true once the watchdog shuts down: a running plan stops before its next step and undoes
 */
public record ReconcilerFactory(ClusterObserver observer, Function<ServerConfig, AgentExecutor> executors,
    LeaderRead leaderRead, Path stateDir, WatchdogMetrics metrics, Clock clock, Diagnoser diagnoser,
    Sleeper sleeper, Duration pollDuringRecovery, boolean lookOnly, BooleanSupplier stopping) {

  /** Time between polls of the wait and verify steps of a running plan (a recovery is short and watched closely). */
  public static final Duration POLL_DURING_RECOVERY = Duration.ofMillis(250);

  /** A factory with the real diagnosis, real sleeps and a poll every {@link #POLL_DURING_RECOVERY} during recoveries. */
  public static ReconcilerFactory standard(ClusterObserver observer, Function<ServerConfig, AgentExecutor> executors,
      LeaderRead leaderRead, Path stateDir, WatchdogMetrics metrics, Clock clock) {
    return new ReconcilerFactory(observer, executors, leaderRead, stateDir, metrics, clock, new ClusterDiagnoser(),
        Sleeper.real(), POLL_DURING_RECOVERY, false, () -> false);
  }

  /** The same factory with another diagnosis (tests with simulated clusters). */
  public ReconcilerFactory withDiagnoser(Diagnoser other) {
    return new ReconcilerFactory(observer, executors, leaderRead, stateDir, metrics, clock, other, sleeper,
        pollDuringRecovery, lookOnly, stopping);
  }

  /** The same factory with another way to wait (tests that advance a fake clock). */
  public ReconcilerFactory withSleeper(Sleeper other) {
    return new ReconcilerFactory(observer, executors, leaderRead, stateDir, metrics, clock, diagnoser, other,
        pollDuringRecovery, lookOnly, stopping);
  }

  /** The same factory with other executors (tests that record or break them). */
  public ReconcilerFactory withExecutors(Function<ServerConfig, AgentExecutor> other) {
    return new ReconcilerFactory(observer, other, leaderRead, stateDir, metrics, clock, diagnoser, sleeper,
        pollDuringRecovery, lookOnly, stopping);
  }

  /**
   * The same factory for tools that only look (the plan command): the loops it makes never write the
   * known topology; they journal and change state only if asked to act, which such tools never do.
   */
  public ReconcilerFactory readOnly() {
    return new ReconcilerFactory(observer, executors, leaderRead, stateDir, metrics, clock, diagnoser, sleeper,
        pollDuringRecovery, true, stopping);
  }

  /** The same factory whose plans stop (and undo) once the signal says the watchdog is shutting down. */
  public ReconcilerFactory withStopSignal(BooleanSupplier signal) {
    return new ReconcilerFactory(observer, executors, leaderRead, stateDir, metrics, clock, diagnoser, sleeper,
        pollDuringRecovery, lookOnly, signal);
  }

  /** A new loop for one cluster of a watchdog that acts alone; its recovery status is loaded from the state dir. */
  public ClusterReconciler create(ClusterConfig cluster, Supplier<EffectiveMode> mode) {
    return create(cluster, mode, ActorLease.alone());
  }

  /**
   * A new loop for one cluster that plans and acts only while the lease says this watchdog holds the
   * cluster's lock, and shares its recovery's progress through it.
   */
  public ClusterReconciler create(ClusterConfig cluster, Supplier<EffectiveMode> mode, ActorLease lease) {
    TopologyStore topology = topologyStore();
    AuditJournal journal = new AuditJournal(stateDir, cluster.name(), clock, lease);
    ClusterPoller poller = new ClusterPoller(cluster, observer, diagnoser, topology, new RetirementStore(stateDir),
        metrics, clock);
    PlanRunner runner = new PlanRunner(cluster, executors, observer, leaderRead, journal, metrics, clock, sleeper,
        pollDuringRecovery, stopping, lease);
    return new ClusterReconciler(cluster, poller, new DecisionMaker(), new Planner(), runner, topology, journal,
        new RecoveryStatusStore(stateDir), metrics, mode, clock, lease);
  }

  /** A poller alone (observe, diagnose, remember the topology), for tools that only look. */
  public ClusterPoller poller(ClusterConfig cluster) {
    return new ClusterPoller(cluster, observer, diagnoser, topologyStore(), new RetirementStore(stateDir), metrics,
        clock);
  }

  private TopologyStore topologyStore() {
    return lookOnly ? TopologyStore.readOnly(stateDir) : new TopologyStore(stateDir);
  }
}
