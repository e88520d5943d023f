package io.consulwatchdog.daemon;

import io.consulwatchdog.recover.ClusterPoller;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutors;
import io.consulwatchdog.execute.ExecutorResources;
import io.consulwatchdog.recover.ClusterReconciler;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.observe.TopologyStore;
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
  private final Map<String, ClusterReconciler> watches;
  private volatile boolean closed;

  private Daemon(WatchdogConfig config, HttpClusterObserver observer, ExecutorResources executors,
      PollScheduler scheduler, StatusServer status, Map<String, ClusterReconciler> watches) {
    this.config = config;
    this.observer = observer;
    this.executors = executors;
    this.scheduler = scheduler;
    this.status = status;
    this.watches = watches;
  }

  /** Starts watching every cluster of the config. */
  public static Daemon start(WatchdogConfig config) throws Exception {
    return start(config, TickListener.NONE);
  }

  /** Starts watching every cluster of the config, telling the listener how each tick ran. */
  public static Daemon start(WatchdogConfig config, TickListener ticks) throws Exception {
    Files.createDirectories(config.stateDir());
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
    HttpClusterObserver observer = new HttpClusterObserver(clock);
    ExecutorResources executors = new ExecutorResources();
    TopologyStore topology = new TopologyStore(config.stateDir());
    Map<String, ClusterReconciler> watches = new LinkedHashMap<>();
    for (ClusterConfig cluster : config.clusters()) {
      ClusterPoller monitor = new ClusterPoller(cluster, observer, new ClusterDiagnoser(), topology, metrics, clock);
      watches.put(cluster.name(), ClusterReconciler.create(monitor, observer, s -> AgentExecutors.create(s, executors),
          new HttpLeaderRead(), config.stateDir(), metrics, clock));
      log.info("Watching cluster {}: {} servers every {} ms, recovery mode {}", cluster.name(),
          cluster.servers().size(), cluster.pollInterval().toMillis(), cluster.recovery().mode());
    }
    StatusServer status;
    try {
      status = new StatusServer(config.listenAddress(), registry, () -> health(watches));
    } catch (IOException e) {
      observer.close();
      executors.close();
      throw new IllegalStateException("cannot listen on " + config.listenAddress() + ": " + e.getMessage(), e);
    }
    PollScheduler scheduler = new PollScheduler(config.clusters().size());
    for (Map.Entry<String, ClusterReconciler> w : watches.entrySet()) {
      ClusterConfig cluster = config.cluster(w.getKey()).orElseThrow();
      scheduler.schedule(cluster.name(), cluster.pollInterval(),
          firstResumeThenTick(cluster.name(), w.getValue(), clock, ticks));
    }
    scheduler.start();
    return new Daemon(config, observer, executors, scheduler, status, watches);
  }

  /**
   * The cluster's job: the first run finishes (or safely ends) a recovery a previous run left open; every
   * run is timed for the listener.
   */
  private static PollScheduler.ScheduledTick firstResumeThenTick(String cluster, ClusterReconciler watch,
      Clock clock, TickListener ticks) {
    AtomicBoolean resumed = new AtomicBoolean();
    return scheduledAt -> {
      Instant started = clock.instant();
      long startNanos = System.nanoTime();
      try {
        if (resumed.compareAndSet(false, true)) {
          watch.resumeUnfinished();
        }
        watch.tick();
      } finally {
        Optional<Duration> poll = Optional.ofNullable(watch.lastSnapshot())
            .filter(s -> !s.observedAt().isBefore(started)).map(ClusterSnapshot::took);
        ticks.ticked(new TickTiming(cluster, scheduledAt, started,
            Duration.ofNanos(System.nanoTime() - startNanos), poll));
      }
    };
  }

  /** The same config with every cluster in dry-run mode. */
  public static WatchdogConfig forceDryRun(WatchdogConfig config) {
    List<ClusterConfig> clusters = config.clusters().stream()
        .map(c -> c.withRecovery(c.recovery().withMode(RecoveryConfig.DRY_RUN))).toList();
    return new WatchdogConfig(config.source(), config.stateDir(), config.listenAddress(), clusters);
  }

  /** host:port actually bound for /metrics and /health. */
  public String listenAddress() {
    String host = config.listenAddress().substring(0, config.listenAddress().lastIndexOf(':'));
    return host + ":" + status.port();
  }

  private static Map<String, Object> health(Map<String, ClusterReconciler> watches) {
    Map<String, Object> clusters = new LinkedHashMap<>();
    watches.forEach((name, w) -> {
      Map<String, Object> c = new LinkedHashMap<>();
      w.history().latest().ifPresentOrElse(v -> {
        c.put("state", v.code());
        c.put("summary", v.summary());
        c.put("observedAt", v.at());
      }, () -> c.put("state", "NOT_YET_POLLED"));
      c.put("recovery", w.state().state());
      clusters.put(name, c);
    });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "UP");
    body.put("clusters", clusters);
    return body;
  }

  /** The latest verdict of a cluster, if polled. */
  public java.util.Optional<Verdict> latest(String cluster) {
    return watches.get(cluster).history().latest();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    scheduler.close();
    status.close();
    observer.close();
    executors.close();
    log.info("Stopped");
  }
}
