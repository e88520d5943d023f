package io.consulwatchdog.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent simulator as a process of its own (so that its CPU and memory are not counted as the
 * watchdog's): starts clusters x (agents of the captured state) simulated agents, writes a detect-only
 * watchdog config for them to OUT/config.yml, then OUT/ready, and serves until SIGTERM or --max-runtime.
 *
 * <p>--faults hang=N,refuse=N,http500=N,garbage=N gives that many agents the fault, at most one per
 * cluster, from the last cluster backwards (so such a cluster is DEGRADED, never without quorum).
 */
public final class SimulatorMain {
  private SimulatorMain() {}

  /** Starts the agents, writes the config and OUT/ready, and serves until SIGTERM or --max-runtime. */
  public static void main(String[] args) throws Exception {
    BenchArgs a = new BenchArgs(args, Map.of("out", "", "clusters", "50", "state", "five-healthy",
        "poll-interval", "1s", "request-timeout", "800ms", "latency", "2ms", "jitter", "8ms", "faults", "",
        "handler-threads", "4", "max-runtime", "15m"));
    Path out = a.path("out");
    List<CapturedAgent> state = CapturedAgent.state(a.text("state"));
    int clusters = a.number("clusters");
    List<CapturedAgent> all = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      all.addAll(state);
    }
    AgentBehaviour behaviour = new AgentBehaviour(a.duration("latency"), a.duration("jitter"), Fault.NONE);
    AgentSimulator sim = AgentSimulator.start(all, behaviour, a.number("handler-threads"));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      sim.close();
      System.out.printf("simulator: %d agents served %d requests; simulator CPU %.1f s%n", all.size(),
          sim.requests(), ProcessStats.cpuSeconds());
    }, "simulator-shutdown"));

    int faulty = injectFaults(sim.agents(), state.size(), a.text("faults"), behaviour);
    List<BenchConfig.Cluster> config = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      List<BenchConfig.Server> servers = new ArrayList<>();
      for (SimulatedAgent agent : sim.agents().subList(c * state.size(), (c + 1) * state.size())) {
        servers.add(new BenchConfig.Server(agent.name(), agent.uri()));
      }
      config.add(new BenchConfig.Cluster(String.format("sim-%03d", c + 1), servers));
    }
    BenchConfig.write(out.resolve("config.yml"), out.resolve("state"), a.duration("poll-interval"),
        a.duration("request-timeout"), config);
    System.out.printf("simulator: %d clusters x %d agents (captured state %s), latency %s + up to %s, %d with faults (%s)%n",
        clusters, state.size(), a.text("state"), a.text("latency"), a.text("jitter"), faulty,
        a.text("faults").isEmpty() ? "none" : a.text("faults"));
    Files.writeString(out.resolve("ready"), ProcessHandle.current().pid() + "\n");
    Duration max = a.duration("max-runtime");
    if (!stop.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
      System.out.println("simulator: --max-runtime " + max + " reached, stopping");
      System.exit(0);
    }
  }

  /** Applies "kind=count,..." to agents, at most one per cluster, from the last cluster backwards. */
  private static int injectFaults(List<SimulatedAgent> agents, int perCluster, String spec, AgentBehaviour base) {
    int cluster = agents.size() / perCluster - 1;
    int injected = 0;
    for (String part : spec.isBlank() ? new String[0] : spec.split(",")) {
      String[] kv = part.split("=", 2);
      Fault fault = switch (kv[0].trim()) {
        case "hang" -> Fault.HANG;
        case "refuse" -> Fault.REFUSE;
        case "http500" -> Fault.HTTP_500;
        case "garbage" -> Fault.GARBAGE;
        default -> throw new IllegalArgumentException("--faults: unknown fault " + kv[0] + " (hang, refuse, http500, garbage)");
      };
      for (int n = Integer.parseInt(kv[1].trim()); n > 0; n--, cluster--, injected++) {
        if (cluster < 0) {
          throw new IllegalArgumentException("--faults: more faulty agents than clusters: " + spec);
        }
        agents.get(cluster * perCluster + cluster % perCluster).behave(base.withFault(fault));
      }
    }
    return injected;
  }
}
