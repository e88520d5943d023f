package io.consulwatchdog.daemon;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.coordinate.Coordinator;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutors;
import io.consulwatchdog.execute.ExecutorResources;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.recover.ActorLease;
import io.consulwatchdog.recover.ClusterReconciler;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.recover.ReconcilerFactory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: each cluster's loop (observe, diagnose, decide, plan, act, verify) on its own
 * schedule, plus the status server.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);

  private final WatchdogConfig config;
  private final HttpClusterObserver observer;
  private final ExecutorResources executors;
  private final PollScheduler scheduler;
  private final StatusServer status;
  private final Map<String, ClusterReconciler> loops;
  private final AutoCloseable jvmMetrics;
  private final AtomicBoolean stopping;
  private final List<ClusterLock> locks;
  private final Optional<Coordinator> coordinator;
  private volatile boolean closed;

  private Daemon(WatchdogConfig config, HttpClusterObserver observer, ExecutorResources executors,
      PollScheduler scheduler, StatusServer status, Map<String, ClusterReconciler> loops, AutoCloseable jvmMetrics,
      AtomicBoolean stopping, List<ClusterLock> locks, Optional<Coordinator> coordinator) {
    this.coordinator = coordinator;
    this.stopping = stopping;
    this.config = config;
    this.observer = observer;
    this.executors = executors;
    this.scheduler = scheduler;
    this.status = status;
    this.loops = loops;
    this.jvmMetrics = jvmMetrics;
    this.locks = locks;
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
    try {
      return startHolding(config, overrides, locks, ticks);
    } catch (Exception | Error e) {
      locks.forEach(ClusterLock::close);
      throw e;
    }
  }

  /** Starts the daemon once its clusters' locks are held. */
  private static Daemon startHolding(WatchdogConfig config, ModeOverrides overrides, List<ClusterLock> locks,
      TickListener ticks) throws Exception {
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
    AutoCloseable jvmMetrics = metrics.bindJvmAndProcessMetrics();
    HttpClusterObserver observer = new HttpClusterObserver(clock);
    ExecutorResources executors = new ExecutorResources();
    AtomicBoolean stopping = new AtomicBoolean();
    ReconcilerFactory factory = ReconcilerFactory.standard(observer, s -> AgentExecutors.create(s, executors),
        new HttpLeaderRead(), config.stateDir(), metrics, clock).withStopSignal(stopping::get);
    Map<String, ClusterReconciler> loops = new LinkedHashMap<>();
    Optional<Coordinator> coordinator = coordinatorFor(config, metrics, loops);
    for (ClusterConfig cluster : config.clusters()) {
      EffectiveMode mode = EffectiveMode.resolve(cluster.recovery().mode(), overrides);
      metrics.registerCluster(cluster);
      metrics.effectiveMode(cluster.name(), mode.kind());
      loops.put(cluster.name(), factory.create(cluster, () -> mode, leaseOf(coordinator, cluster.name(), metrics)));
      log.info("Watching cluster {}: {} servers every {} ms, mode {}", cluster.name(),
          cluster.servers().size(), cluster.pollInterval().toMillis(), mode);
    }
    coordinator.ifPresent(Coordinator::startRounds);
    StatusServer status;
    try {
      status = new StatusServer(config.listenAddress(), registry, () -> health(loops, coordinator));
    } catch (IOException e) {
      coordinator.ifPresent(Coordinator::close);
      observer.close();
      executors.close();
      jvmMetrics.close();
      throw new IllegalStateException("cannot listen on " + config.listenAddress() + ": " + e.getMessage(), e);
    }
    PollScheduler scheduler = new PollScheduler(config.clusters().size());
    for (ClusterReconciler loop : loops.values()) {
      ClusterConfig cluster = loop.cluster();
      Instant first = scheduler.schedule(cluster.name(), cluster.pollInterval(), timed(loop, clock, ticks));
      ticks.scheduled(cluster.name(), first, cluster.pollInterval());
    }
    scheduler.start();
    return new Daemon(config, observer, executors, scheduler, status, loops, jvmMetrics, stopping, locks,
        coordinator);
  }

  /**
   * The coordinator of the configured engine (none without coordination); it learns the node IDs the loops see,
   * to refuse a coordination store that is one of the watched clusters. Its rounds start once the loops exist.
   */
  private static Optional<Coordinator> coordinatorFor(WatchdogConfig config, WatchdogMetrics metrics,
      Map<String, ClusterReconciler> loops) {
    if (!config.coordination().enabled()) {
      return Optional.empty();
    }
    return Optional.of(Coordinator.create(config.coordination(),
        config.clusters().stream().map(ClusterConfig::name).toList(), metrics,
        () -> loops.values().stream().flatMap(l -> l.seenNodeIds().stream()).collect(Collectors.toSet())));
  }

  /** The cluster's lease: its coordination lock, or, without coordination, the lease of a watchdog acting alone. */
  private static ActorLease leaseOf(Optional<Coordinator> coordinator, String cluster, WatchdogMetrics metrics) {
    if (coordinator.isEmpty()) {
      metrics.coordination(cluster, true, true);
      return ActorLease.alone();
    }
    return coordinator.get().lease(cluster);
  }

  /** The cluster's job: one tick of its loop, timed against its schedule for the listener. */
  private static PollScheduler.ScheduledTick timed(ClusterReconciler loop, Clock clock, TickListener ticks) {
    return scheduledAt -> {
      Instant started = clock.instant();
      long startNanos = System.nanoTime();
      Optional<Duration> poll = Optional.empty();
      try {
        poll = Optional.of(loop.tick().poll().snapshot().took());
      } finally {
        ticks.ticked(new TickTiming(loop.cluster().name(), scheduledAt, started,
            Duration.ofNanos(System.nanoTime() - startNanos), poll));
      }
    };
  }

  /** host:port actually bound for /metrics and /health. */
  public String listenAddress() {
    String host = config.listenAddress().substring(0, config.listenAddress().lastIndexOf(':'));
    return host + ":" + status.port();
  }

  private static Map<String, Object> health(Map<String, ClusterReconciler> loops, Optional<Coordinator> coordinator) {
    Map<String, Object> clusters = new LinkedHashMap<>();
    loops.forEach((name, w) -> {
      Map<String, Object> c = new LinkedHashMap<>();
      w.history().latest().ifPresentOrElse(v -> {
        c.put("state", v.code());
        c.put("summary", v.summary());
        c.put("observedAt", v.at());
      }, () -> c.put("state", "NOT_YET_POLLED"));
      c.put("recovery", w.state().state());
      c.put("coordination", coordinator.map(co -> co.status(name))
          .orElse(Map.of("type", "none", "standing", w.standing().describe())));
      clusters.put(name, c);
    });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "UP");
    body.put("clusters", clusters);
    return body;
  }

  /** The latest verdict of a cluster, if polled. */
  public Optional<Verdict> latest(String cluster) {
    return loops.get(cluster).history().latest();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopping.set(true);
    loops.values().stream().filter(l -> l.state().state().inRecovery()).forEach(l -> log.warn("Stopping during "
        + "recovery {} of cluster {}: the step under way finishes, then what the recovery changed is undone",
        l.state().recoveryId().orElse("?"), l.cluster().name()));
    scheduler.close(); // waits for a tick under way
    status.close();
    observer.close();
    executors.close();
    coordinator.ifPresent(Coordinator::close); // after the loops: a step under way finished or was undone
    try {
      jvmMetrics.close();
    } catch (Exception e) {
      log.warn("Closing the JVM metrics failed: {}", e.toString());
    }
    locks.forEach(ClusterLock::close); // last: nothing of this daemon runs any more
    log.info("Stopped");
  }
}
