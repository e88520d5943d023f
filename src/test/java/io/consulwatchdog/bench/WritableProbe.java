package io.consulwatchdog.bench;

import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Probes, from outside the watchdog, when the cluster accepts consistent writes again: one thread per server
 * PUTs a fresh key and reads it back with ?consistent through that server, every ~200 ms, each request cut
 * off after 1 s (a server without a leader holds a write up to 7 s and then answers 500 No cluster leader;
 * a held write is released within ~0.4 s of a leader appearing). Marks the end of the first round trip that
 * succeeds. Bounded by a deadline; close() stops it.
 */
final class WritableProbe implements AutoCloseable {
  static final String KEY_PREFIX = "bench-probe/";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  private static final long PAUSE_MILLIS = 200;

  private final ConsulHttp http = new ConsulHttp(REQUEST_TIMEOUT, Optional.empty(), TlsConfig.defaults());
  private final FirstMoment writable = new FirstMoment();
  private final List<Thread> threads = new ArrayList<>();
  private final long deadline;
  private volatile boolean stopped;

  /** Starts probing the given servers (name to HTTP address) now, until the first success or the deadline. */
  WritableProbe(Map<String, URI> servers, Duration limit) {
    this.deadline = System.nanoTime() + limit.toNanos();
    servers.forEach((name, uri) -> {
      Thread t = new Thread(() -> probe(name, uri), "writable-probe-" + name);
      t.setDaemon(true);
      threads.add(t);
    });
    threads.forEach(Thread::start);
  }

  /** When the first consistent write and read succeeded. */
  FirstMoment writable() {
    return writable;
  }

  private void probe(String name, URI server) {
    long attempt = 0;
    long maxAttempts = (deadline - System.nanoTime()) / (PAUSE_MILLIS * 1_000_000) + 1;
    while (!stopped && !Thread.currentThread().isInterrupted() && !writable.happened()
        && System.nanoTime() < deadline && attempt++ < maxAttempts) {
      String key = KEY_PREFIX + name + "-" + attempt;
      String value = "probe " + attempt + " at " + System.nanoTime();
      if (answered(http.put(server, "/v1/kv/" + key, value), "true")
          && answered(http.get(server, "/v1/kv/" + key + "?consistent&raw"), value)) {
        writable.mark();
        return;
      }
      sleep();
    }
  }

  private static boolean answered(EndpointResult result, String body) {
    return result instanceof EndpointResult.Answer a && a.status() == 200 && a.body().strip().equals(body);
  }

  private static void sleep() {
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopped = true;
    for (Thread t : threads) {
      try {
        t.join(3000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    http.close();
  }
}
