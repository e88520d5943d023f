package io.consulwatchdog.daemon;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.diagnose.ClusterDiagnoser;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.observe.TopologyStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running daemon: one monitor per cluster on a schedule, plus the status server. */
public final class Watchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  private final WatchdogConfig config;
  private final HttpClusterObserver observer;
  private final PollScheduler scheduler;
  private final StatusServer status;
  private final Map<String, ClusterMonitor> monitors;
  private volatile boolean closed;

  private Watchdog(WatchdogConfig config, HttpClusterObserver observer, PollScheduler scheduler,
      StatusServer status, Map<String, ClusterMonitor> monitors) {
    this.config = config;
    this.observer = observer;
    this.scheduler = scheduler;
    this.status = status;
    this.monitors = monitors;
  }

  /** Starts watching every cluster of the config. */
  public static Watchdog start(WatchdogConfig config) throws Exception {
    Files.createDirectories(config.stateDir());
    Clock clock = Clock.systemUTC();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
    HttpClusterObserver observer = new HttpClusterObserver(clock);
    TopologyStore topology = new TopologyStore(config.stateDir());
    Map<String, ClusterMonitor> monitors = new LinkedHashMap<>();
    for (ClusterConfig cluster : config.clusters()) {
      monitors.put(cluster.name(), new ClusterMonitor(cluster, observer, new ClusterDiagnoser(), topology, metrics, clock));
      log.info("Watching cluster {}: {} servers every {} ms, recovery mode {}", cluster.name(),
          cluster.servers().size(), cluster.pollInterval().toMillis(), cluster.recovery().mode());
    }
    StatusServer status;
    try {
      status = new StatusServer(config.listenAddress(), registry, () -> health(monitors));
    } catch (IOException e) {
      observer.close();
      throw new IllegalStateException("cannot listen on " + config.listenAddress() + ": " + e.getMessage(), e);
    }
    PollScheduler scheduler = new PollScheduler(config.clusters().size());
    for (ClusterMonitor m : monitors.values()) {
      scheduler.schedule(m.cluster().name(), m.cluster().pollInterval(), m::poll);
    }
    scheduler.start();
    return new Watchdog(config, observer, scheduler, status, monitors);
  }

  /** The same config with every cluster in dry-run mode. */
  public static WatchdogConfig forceDryRun(WatchdogConfig config) {
    List<ClusterConfig> clusters = config.clusters().stream().map(c -> {
      RecoveryConfig r = c.recovery();
      RecoveryConfig dry = new RecoveryConfig(RecoveryConfig.DRY_RUN, r.strategies(), r.leaderlessAfter(),
          r.confirmPolls(), r.confirmWindow(), r.cooldown(), r.maxFailures(), r.failureWindow(), r.settleTimeout(),
          r.restartClients());
      return new ClusterConfig(c.name(), c.servers(), c.clients(), c.pollInterval(), c.requestTimeout(),
          c.aclToken(), c.tls(), dry);
    }).toList();
    return new WatchdogConfig(config.source(), config.stateDir(), config.listenAddress(), clusters);
  }

  /** host:port actually bound for /metrics and /health. */
  public String listenAddress() {
    String host = config.listenAddress().substring(0, config.listenAddress().lastIndexOf(':'));
    return host + ":" + status.port();
  }

  private static Map<String, Object> health(Map<String, ClusterMonitor> monitors) {
    Map<String, Object> clusters = new LinkedHashMap<>();
    monitors.forEach((name, m) -> {
      Map<String, Object> c = new LinkedHashMap<>();
      m.history().latest().ifPresentOrElse(v -> {
        c.put("state", v.code());
        c.put("summary", v.summary());
        c.put("observedAt", v.at());
      }, () -> c.put("state", "NOT_YET_POLLED"));
      clusters.put(name, c);
    });
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "UP");
    body.put("clusters", clusters);
    return body;
  }

  /** The latest verdict of a cluster, if polled. */
  public java.util.Optional<Verdict> latest(String cluster) {
    return monitors.get(cluster).history().latest();
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
    log.info("Stopped");
  }
}
