package io.consulwatchdog.cli;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.daemon.ClusterLock;
import io.consulwatchdog.daemon.Daemon;
import io.consulwatchdog.daemon.ReloadSignal;
import io.consulwatchdog.decide.ModeOverrides;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** `consul-watchdog run`: the daemon. */
@Command(name = "run", mixinStandardHelpOptions = true,
    header = "Run the watchdog daemon (polls, /metrics, /health, recoveries).",
    description = {
      "Run the watchdog daemon: poll every cluster on its schedule, log each change of state, serve /metrics (Prometheus), /health, /ready, /status and the control API, and recover as each cluster's recovery.mode allows (detect-only by default). SIGHUP re-reads the config (a bad one is logged and changes nothing). Stops cleanly on SIGTERM or Ctrl-C."
    },
    footer = {"", "Example:", "  consul-watchdog run --config /etc/consul-watchdog/config.yml"})
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      description = "Override listen_address for /metrics and /health.")
  String listen;

  @Option(names = "--dry-run", description = "Force recovery.mode dry-run for every cluster: plans are logged, never run.")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    WatchdogConfig config = load();
    warnAboutTokensInClearText(config);
    CountDownLatch stop = new CountDownLatch(1);
    Daemon started;
    try {
      started = Daemon.start(config, new ModeOverrides(dryRun));
    } catch (ClusterLock.HeldException e) {
      spec.commandLine().getErr().println("consul-watchdog: " + e.getMessage());
      return ExitCodes.TEMPFAIL;
    }
    try (Daemon daemon = started) {
      ReloadSignal.install(() -> daemon.reloadFrom(this::load));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stop.countDown();
        daemon.close();
      }, "shutdown"));
      spec.commandLine().getErr().printf("consul-watchdog: watching %s; metrics on http://%s/metrics%n",
          String.join(", ", config.clusters().stream().map(ClusterConfig::name).toList()), daemon.listenAddress());
      stop.await();
    }
    return 0;
  }

  /** Reads the config file, with --listen applied (a reload keeps the address the daemon listens on anyway). */
  private WatchdogConfig load() {
    WatchdogConfig config = configOptions.load(spec, false);
    return listen == null ? config : config.withListenAddress(listen);
  }

  /** Warns once, at start, for each cluster whose ACL token would cross the network unencrypted (never the token). */
  private static void warnAboutTokensInClearText(WatchdogConfig config) {
    for (ClusterConfig cluster : config.clusters()) {
      List<URI> exposed = cluster.tokenInClearTextTo();
      if (!exposed.isEmpty()) {
        log.warn("cluster {}: its ACL token is sent in clear text over plain http:// to {} (not loopback): anyone"
            + " on the path can read it; use https:// with the cluster's tls: keys", cluster.name(),
            exposed.stream().map(URI::toString).collect(Collectors.joining(", ")));
      }
    }
  }
}
