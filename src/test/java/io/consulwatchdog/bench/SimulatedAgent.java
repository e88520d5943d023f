package io.consulwatchdog.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.consulwatchdog.consul.Reachability;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One simulated Consul agent: its own port on 127.0.0.1 (the watchdog tells agents apart by
 * http_address), replaying one captured agent's answers after the configured latency, or failing.
 */
public final class SimulatedAgent implements AutoCloseable {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final CapturedAgent captured;
  private final ExecutorService handlers;
  private final ScheduledExecutorService timer;
  private final LongAdder requests;
  private final int port;
  private volatile AgentBehaviour behaviour;
  private HttpServer server; // null while the port is closed (REFUSE)

  /** Binds a free port and serves at once (every field the handler reads is set before). */
  private SimulatedAgent(CapturedAgent captured, ExecutorService handlers, ScheduledExecutorService timer,
      LongAdder requests, AgentBehaviour behaviour) {
    this.captured = captured;
    this.handlers = handlers;
    this.timer = timer;
    this.requests = requests;
    this.behaviour = behaviour;
    this.server = listen(0);
    this.port = server.getAddress().getPort();
  }

  /**
   * Starts an agent on a free port; an agent captured while down starts refusing, as it did.
   *
   * @param handlers runs the request handlers (shared by all agents, a few threads)
   * @param timer delays answers and drops hung connections (shared by all agents)
   * @param requests counts every request received (shared by all agents)
   */
  static SimulatedAgent start(CapturedAgent captured, AgentBehaviour behaviour, ExecutorService handlers,
      ScheduledExecutorService timer, LongAdder requests) {
    AgentBehaviour initial = captured.wasDown() ? behaviour.withFault(Fault.REFUSE) : behaviour;
    SimulatedAgent agent = new SimulatedAgent(captured, handlers, timer, requests, initial);
    agent.behave(initial);
    return agent;
  }

  /** The agent's http_address. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** The captured agent's node name. */
  public String name() {
    return captured.name();
  }

  /** The agent's current behaviour. */
  public AgentBehaviour behaviour() {
    return behaviour;
  }

  /** Changes how the agent answers from the next request on; REFUSE closes its port, anything else opens it. */
  public synchronized void behave(AgentBehaviour next) {
    behaviour = next;
    if (next.fault() == Fault.REFUSE && server != null) {
      server.stop(0);
      server = null;
    } else if (next.fault() != Fault.REFUSE && server == null) {
      server = listen(port);
    }
  }

  private HttpServer listen(int onPort) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(LOOPBACK, onPort), 64);
      s.setExecutor(handlers);
      s.createContext("/", this::handle);
      s.start();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + onPort, e);
    }
  }

  private void handle(HttpExchange exchange) {
    requests.increment();
    AgentBehaviour now = behaviour;
    String query = exchange.getRequestURI().getRawQuery();
    String path = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
    CapturedAgent.Answer answer = captured.answers().get(path);
    Optional<Reachability> captureFailed = answer == null ? Optional.empty() : answer.failure();
    if (now.fault() == Fault.HANG || (now.fault() == Fault.NONE && captureFailed.equals(Optional.of(Reachability.TIMEOUT)))) {
      timer.schedule(exchange::close, AgentSimulator.HANG_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    if (now.fault() == Fault.REFUSE || (now.fault() == Fault.NONE && captureFailed.isPresent())) {
      exchange.close(); // the port is closing, or the capture saw this endpoint fail: drop the connection
      return;
    }
    int status = switch (now.fault()) {
      case HTTP_500 -> 500;
      case GARBAGE -> 200;
      default -> answer == null ? 404 : answer.status();
    };
    String body = switch (now.fault()) {
      case HTTP_500 -> "rpc error making call: simulated failure";
      case GARBAGE -> "<html><body>simulated garbage</body></html>";
      default -> answer == null ? "no captured answer for " + path : answer.body();
    };
    long delay = now.delayMillis();
    if (delay == 0) {
      send(exchange, status, body);
    } else {
      timer.schedule(() -> handlers.execute(() -> send(exchange, status, body)), delay, TimeUnit.MILLISECONDS);
    }
  }

  private static void send(HttpExchange exchange, int status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = exchange.getResponseBody()) {
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length);
      out.write(bytes);
    } catch (IOException e) {
      exchange.close(); // the client gave up first
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }
}
