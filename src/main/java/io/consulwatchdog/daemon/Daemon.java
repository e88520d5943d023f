package io.consulwatchdog.daemon;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ConfigException;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.coordinate.Coordinator;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutors;
import io.consulwatchdog.execute.ExecutorResources;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.recover.ActorLease;
import io.consulwatchdog.recover.ClusterReconciler;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.recover.PauseStore;
import io.consulwatchdog.recover.ReconcilerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: each cluster's loop (observe, diagnose, decide, plan, act, verify) on its own
 * schedule, the status and control API, and reloads of the config that change only the clusters they change.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  private final Clock clock = Clock.systemUTC();
  private final ModeOverrides overrides;
  private final TickListener ticks;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
  private final AutoCloseable jvmMetrics;
  private final HttpClusterObserver observer = new HttpClusterObserver(clock);
  private final ExecutorResources executors = new ExecutorResources();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final Map<String, WatchedCluster> watched = new ConcurrentHashMap<>();
  private final PauseStore pauses;
  private final ReconcilerFactory factory;
  private final DaemonStatus report;
  private volatile WatchdogConfig config;
  private Optional<Coordinator> coordinator = Optional.empty();
  private PollScheduler scheduler;
  private StatusServer status;
  private SystemdNotifier notifier;
  private boolean closed;

  private Daemon(WatchdogConfig config, ModeOverrides overrides, TickListener ticks) {
    this.config = config;
    this.overrides = overrides;
    this.ticks = ticks;
    this.jvmMetrics = metrics.bindJvmAndProcessMetrics();
    this.pauses = new PauseStore(config.stateDir());
    this.factory = loopFactory();
    this.report = new DaemonStatus(this::clustersInOrder, new ClusterControl(pauses, config.stateDir(), clock),
        pauses, () -> this.config.stateDir(), this::coordinationStatus, clock);
  }

  /** Starts watching every cluster of the config, each in its configured mode. */
  public static Daemon start(WatchdogConfig config) throws Exception {
    return start(config, ModeOverrides.none());
  }

  /** Starts watching every cluster of the config, with the operator's overrides of the configured modes. */
  public static Daemon start(WatchdogConfig config, ModeOverrides overrides) throws Exception {
    return start(config, overrides, TickListener.NONE);
  }

  /** Starts watching every cluster of the config with the overrides, telling the listener how each tick ran. */
  public static Daemon start(WatchdogConfig config, ModeOverrides overrides, TickListener ticks) throws Exception {
    Files.createDirectories(config.stateDir());
    // One daemon per cluster: each cluster's lock is taken before anything else, held until close().
    List<ClusterLock> locks = ClusterLock.acquireAll(config.stateDir(),
        config.clusters().stream().map(ClusterConfig::name).toList());
    Daemon daemon = null;
    try {
      daemon = new Daemon(config, overrides, ticks);
      daemon.startHolding(locks);
      return daemon;
    } catch (Exception | Error e) {
      if (daemon != null) {
        daemon.close();
      }
      locks.forEach(ClusterLock::close); // those not yet handed to a watched cluster
      throw e;
    }
  }

  /** Builds each cluster's loop (with its coordination lease, if any), then listens, then starts the schedule. */
  private void startHolding(List<ClusterLock> locks) throws SchedulerException {
    coordinator = coordinatorFor(config);
    for (int i = 0; i < config.clusters().size(); i++) {
      watch(config.clusters().get(i), locks.get(i));
    }
    coordinator.ifPresent(Coordinator::startRounds);
    status = listen();
    scheduler = new PollScheduler(config.clusters().size());
    for (WatchedCluster cluster : clustersInOrder()) {
      schedule(cluster);
    }
    scheduler.start();
    notifier = SystemdNotifier.start(report, clock);
  }

  /** The factory of every cluster's loop: observations and leader reads count as progress of their cluster. */
  private ReconcilerFactory loopFactory() {
    return ReconcilerFactory.standard(ProgressTracking.observer(observer, this::progressOf), s -> {
      throw new IllegalStateException("each cluster's loop gets executors of its own");
    }, ProgressTracking.leaderRead(new HttpLeaderRead(), this::progressOf), config.stateDir(), metrics, clock)
        .withStopSignal(stopping::get);
  }

  /**
   * The coordinator of the configured engine (none without coordination); it learns the node IDs the loops see,
   * to refuse a coordination store that is one of the watched clusters. Its rounds start once the loops exist.
   */
  private Optional<Coordinator> coordinatorFor(WatchdogConfig config) {
    if (!config.coordination().enabled()) {
      return Optional.empty();
    }
    return Optional.of(Coordinator.create(config.coordination(),
        config.clusters().stream().map(ClusterConfig::name).toList(), metrics,
        () -> watched.values().stream().flatMap(w -> w.reconciler().seenNodeIds().stream()).collect(Collectors.toSet())));
  }

  /** The cluster's lease: its coordination lock, or, without coordination, the lease of a watchdog acting alone. */
  private ActorLease leaseOf(String cluster) {
    if (coordinator.isEmpty()) {
      metrics.coordination(cluster, true, true);
      return ActorLease.alone();
    }
    return coordinator.get().lease(cluster);
  }

  /** What /health and /status show of a cluster's coordination. */
  private Map<String, Object> coordinationStatus(WatchedCluster cluster) {
    return coordinator.map(co -> co.status(cluster.name()))
        .orElse(Map.of("type", "none", "standing", cluster.reconciler().standing().describe()));
  }

  private Optional<LoopProgress> progressOf(String cluster) {
    return Optional.ofNullable(watched.get(cluster)).map(WatchedCluster::progress);
  }

  /** Starts watching one cluster whose lock is held: its metrics, its loop, its progress. */
  private WatchedCluster watch(ClusterConfig cluster, ClusterLock lock) {
    metrics.registerCluster(cluster);
    LoopProgress progress = new LoopProgress(clock, WatchedCluster.staleAfter(cluster));
    WatchedCluster watchedCluster = new WatchedCluster(cluster, lock, progress, c -> buildLoop(c, progress));
    watched.put(cluster.name(), watchedCluster);
    log.info("Watching cluster {}: {} servers every {} ms, mode {}", cluster.name(), cluster.servers().size(),
        cluster.pollInterval().toMillis(), watchedCluster.mode());
    return watchedCluster;
  }

  /** One cluster's loop for one config; its executor operations count as progress while under way. */
  private WatchedCluster.Loop buildLoop(ClusterConfig cluster, LoopProgress progress) {
    ModeTracker mode = new ModeTracker(cluster, overrides, pauses, clock, metrics);
    ClusterReconciler reconciler = factory
        .withExecutors(s -> ProgressTracking.executor(AgentExecutors.create(s, executors), progress))
        .create(cluster, mode, leaseOf(cluster.name()));
    return new WatchedCluster.Loop(cluster, mode, reconciler);
  }

  private void schedule(WatchedCluster cluster) throws SchedulerException {
    Duration interval = cluster.config().pollInterval();
    Instant first = scheduler.schedule(cluster.name(), interval, timed(cluster));
    ticks.scheduled(cluster.name(), first, interval);
  }

  /** The cluster's job: one tick of its loop, timed against its schedule for the listener. */
  private PollScheduler.ScheduledTick timed(WatchedCluster cluster) {
    return scheduledAt -> {
      Instant started = clock.instant();
      long startNanos = System.nanoTime();
      Optional<Duration> poll = Optional.empty();
      try {
        poll = cluster.tick().map(tick -> tick.poll().snapshot().took());
      } finally {
        ticks.ticked(new TickTiming(cluster.name(), scheduledAt, started,
            Duration.ofNanos(System.nanoTime() - startNanos), poll));
      }
    };
  }

  private StatusServer listen() {
    try {
      return new StatusServer(config.listenAddress(), registry, report, config.controlToken());
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + config.listenAddress() + ": " + e.getMessage(), e);
    }
  }

  /** The watched clusters in the order of the config. */
  private List<WatchedCluster> clustersInOrder() {
    return config.clusters().stream().map(c -> watched.get(c.name())).filter(w -> w != null).toList();
  }

  /**
   * Reloads the config (SIGHUP, systemctl reload): systemd is told RELOADING=1, then READY=1 whatever the
   * outcome. A config that does not load (the error names the file, the field and the value) is logged and the
   * running config stays in force; otherwise see {@link #reload(WatchdogConfig)}.
   */
  public void reloadFrom(Supplier<WatchdogConfig> loader) {
    notifier.reloading();
    try {
      WatchdogConfig next;
      try {
        next = loader.get();
      } catch (ConfigException e) {
        log.error("Reload refused, the running config stays in force: {}", e.getMessage());
        return;
      }
      reload(next);
    } catch (SchedulerException | RuntimeException e) {
      log.error("Reload failed part way: {}", e.toString(), e);
    } finally {
      notifier.reloaded();
    }
  }

  /**
   * Takes up a new config: clusters added start, clusters removed stop (after a tick under way), clusters
   * changed get a new loop between two ticks, unchanged ones are not touched; the control token is replaced.
   * A state_dir or listen_address change is logged and waits for a restart. A cluster whose lock another
   * daemon holds is left out, with an error.
   */
  public synchronized ConfigChange reload(WatchdogConfig next) throws SchedulerException {
    ConfigChange change = ConfigChange.between(config, next);
    if (closed) {
      log.warn("Reload ignored: the watchdog is stopping");
      return change;
    }
    change.needRestart().forEach(s -> log.warn("Reload: {} takes effect only after a restart; kept as it was", s));
    List<ClusterConfig> keptRemoved = new ArrayList<>();
    for (String name : change.removed()) {
      if (coordinator.isPresent()) { // the coordinator's locks are set at start: it would go on holding this one
        log.error("Reload: cluster {} is still watched: with coordination, a cluster removed from the config is "
            + "let go only after a restart", name);
        keptRemoved.add(config.cluster(name).orElseThrow());
      } else {
        stopWatching(name);
      }
    }
    List<ClusterConfig> clusters = new ArrayList<>();
    for (ClusterConfig c : next.clusters()) {
      if (change.changed().contains(c.name())) {
        rewatch(c, config.cluster(c.name()).orElseThrow());
      }
      if (!change.added().contains(c.name()) || startWatching(c)) {
        clusters.add(c);
      }
    }
    clusters.addAll(keptRemoved);
    config = new WatchdogConfig(next.source(), config.stateDir(), config.listenAddress(), clusters,
        config.coordination(), next.controlToken());
    if (config.clusters().size() > scheduler.threads()) {
      log.warn("Reload: {} clusters share {} poll threads, so a long tick (a recovery) can delay another cluster's "
          + "poll; a restart gives each cluster its own", config.clusters().size(), scheduler.threads());
    }
    status.controlToken(config.controlToken());
    log.info("Reloaded {}: {}", config.source().map(Object::toString).orElse("the config"), change.describe());
    return change;
  }

  /**
   * Starts watching a cluster added by a reload; false (logged) when another daemon holds its lock, or when the
   * watchdogs coordinate (the coordinator's locks are set at start: a new cluster needs a restart).
   */
  private boolean startWatching(ClusterConfig cluster) {
    if (coordinator.isPresent()) {
      log.error("Reload: cluster {} is not watched: with coordination, a cluster added to the config is taken up "
          + "only after a restart", cluster.name());
      return false;
    }
    try {
      schedule(watch(cluster, ClusterLock.acquire(config.stateDir(), cluster.name())));
      return true;
    } catch (ClusterLock.HeldException | IOException | SchedulerException e) {
      log.error("Reload: cluster {} is not watched: {}", cluster.name(), e.getMessage());
      return false;
    }
  }

  /** Stops watching a cluster a reload removed: no new tick; its lock goes once a tick under way ends. */
  private void stopWatching(String name) throws SchedulerException {
    scheduler.unschedule(name);
    WatchedCluster removed = watched.remove(name);
    removed.retire();
    metrics.unregisterCluster(name);
  }

  /**
   * Gives a cluster whose settings a reload changed a new loop, taken up between two ticks; rescheduled when its
   * interval differs from the previous config's (not the loop's: a config still pending may have changed it).
   */
  private void rewatch(ClusterConfig cluster, ClusterConfig previous) throws SchedulerException {
    WatchedCluster w = watched.get(cluster.name());
    metrics.registerCluster(cluster);
    metrics.retainServers(cluster);
    w.replace(cluster);
    if (!previous.pollInterval().equals(cluster.pollInterval())) {
      scheduler.reschedule(cluster.name(), cluster.pollInterval());
    }
  }

  /** host:port actually bound for the status API and /metrics. */
  public String listenAddress() {
    String host = config.listenAddress().substring(0, config.listenAddress().lastIndexOf(':'));
    return host + ":" + status.port();
  }

  /** The latest verdict of a cluster, if polled. */
  public Optional<Verdict> latest(String cluster) {
    return Optional.ofNullable(watched.get(cluster)).flatMap(w -> w.reconciler().history().latest());
  }

  /** A watched cluster by name (tests in this package). */
  Optional<WatchedCluster> cluster(String name) {
    return Optional.ofNullable(watched.get(name));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (notifier != null) {
      notifier.close(); // STOPPING=1 first
    }
    stopping.set(true);
    clustersInOrder().stream().map(WatchedCluster::reconciler).filter(l -> l.state().state().inRecovery())
        .forEach(l -> log.warn("Stopping during recovery {} of cluster {}: the step under way finishes, then what the "
            + "recovery changed is undone", l.state().recoveryId().orElse("?"), l.cluster().name()));
    if (scheduler != null) {
      scheduler.close(); // waits for a tick under way
    }
    if (status != null) {
      status.close();
    }
    observer.close();
    executors.close();
    coordinator.ifPresent(Coordinator::close); // after the loops: a step under way finished or was undone
    try {
      jvmMetrics.close();
    } catch (Exception e) {
      log.warn("Closing the JVM metrics failed: {}", e.toString());
    }
    watched.values().forEach(WatchedCluster::retire); // last: nothing of this daemon runs any more
    log.info("Stopped");
  }
}
