package io.consulwatchdog.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many simulated Consul agents on loopback for benchmarks: each replays one captured real agent's
 * answers on its own port of 127.0.0.1, with injectable latency and faults. The agents share a few
 * handler threads and one timer, so hundreds of them cost little beyond one JDK HttpServer each.
 */
public final class AgentSimulator implements AutoCloseable {
  /** A hung request's connection is dropped after this long (any watchdog request timeout is shorter). */
  public static final Duration HANG_LIMIT = Duration.ofSeconds(30);

  private final ExecutorService handlers;
  private final ScheduledExecutorService timer;
  private final LongAdder requests = new LongAdder();
  private final List<SimulatedAgent> agents = new ArrayList<>();

  private AgentSimulator(int handlerThreads) {
    handlers = Executors.newFixedThreadPool(handlerThreads, daemonThreads("sim-http"));
    timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("sim-timer"));
  }

  /** Starts one simulated agent per captured agent, all with the same behaviour. */
  public static AgentSimulator start(List<CapturedAgent> captured, AgentBehaviour behaviour, int handlerThreads) {
    AgentSimulator simulator = new AgentSimulator(handlerThreads);
    try {
      for (CapturedAgent c : captured) {
        simulator.agents.add(SimulatedAgent.start(c, behaviour, simulator.handlers, simulator.timer, simulator.requests));
      }
      return simulator;
    } catch (RuntimeException e) {
      simulator.close();
      throw e;
    }
  }

  /** The agents, in the order of the captured agents given to start. */
  public List<SimulatedAgent> agents() {
    return List.copyOf(agents);
  }

  /** Requests received by all agents so far. */
  public long requests() {
    return requests.sum();
  }

  @Override
  public void close() {
    agents.forEach(SimulatedAgent::close);
    timer.shutdownNow();
    handlers.shutdownNow();
  }

  private static ThreadFactory daemonThreads(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
