package io.consulwatchdog.bench;

import io.consulwatchdog.lab.LabCluster;
import io.consulwatchdog.lab.LabOptions;
import io.consulwatchdog.lab.LabServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real Consul 1.8.7 clusters the footprint benchmark watches, as a process of their own: starts
 * --clusters lab clusters of --servers servers, waits for their leaders, writes a detect-only watchdog
 * config for them to OUT/config.yml, then OUT/ready, and keeps them until SIGTERM or --max-runtime; every
 * Consul process is then killed by PID (LabCluster.close, also from its shutdown hook).
 *
 * <p>Run by {@code scripts/footprint.sh}, which runs the shipped launcher against the config.
 */
public final class FootprintLab {
  private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(60);

  private FootprintLab() {}

  /** Starts the clusters, writes the config, and keeps them until SIGTERM or --max-runtime. */
  public static void main(String[] args) throws Exception {
    BenchArgs a = new BenchArgs(args, Map.of("out", "", "clusters", "3", "servers", "3", "poll-interval", "1s",
        "request-timeout", "800ms", "max-runtime", "30m"));
    Path out = a.path("out");
    List<LabCluster> labs = new CopyOnWriteArrayList<>();
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      labs.forEach(LabCluster::close);
    }, "footprint-lab-shutdown"));
    List<BenchConfig.Cluster> clusters = new ArrayList<>();
    for (int c = 1; c <= a.number("clusters"); c++) {
      LabCluster lab = LabCluster.start(LabOptions.defaults().withServers(a.number("servers"))
          .withNamePrefix("footprint" + c));
      labs.add(lab);
      lab.awaitLeader(LEADER_TIMEOUT);
      List<BenchConfig.Server> servers = new ArrayList<>();
      for (LabServer s : lab.servers()) {
        servers.add(new BenchConfig.Server(s.name(), s.httpUri()));
      }
      clusters.add(new BenchConfig.Cluster("footprint" + c, servers));
      System.out.printf("footprint lab: cluster footprint%d on %s has a leader%n", c, lab.addressBlock());
    }
    BenchConfig.write(out.resolve("config.yml"), out.resolve("state"), a.duration("poll-interval"),
        a.duration("request-timeout"), clusters);
    Files.writeString(out.resolve("ready"), ProcessHandle.current().pid() + "\n");
    Duration max = a.duration("max-runtime");
    if (!stop.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
      System.out.println("footprint lab: --max-runtime " + max + " reached, stopping");
      System.exit(0);
    }
  }
}
