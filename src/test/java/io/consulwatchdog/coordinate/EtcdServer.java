package io.consulwatchdog.coordinate;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-member etcd (Debian's etcd-server binary, unpacked by scripts/fetch-etcd.sh, never installed as
 * a service) on 127.0.0.1 with its own data dir and free ports; stopped by PID, restartable on the same data.
 */
public final class EtcdServer implements AutoCloseable {
  private static Path binary;

  private final Path dir;
  private final int clientPort;
  private final int peerPort;
  private Process process;

  private EtcdServer(Path dir, int clientPort, int peerPort) {
    this.dir = dir;
    this.clientPort = clientPort;
    this.peerPort = peerPort;
  }

  /** Starts a fresh server and waits until it answers /health. */
  public static EtcdServer start() throws IOException {
    EtcdServer server = new EtcdServer(Files.createTempDirectory("etcd-lab"), freePort(), freePort());
    try {
      server.startProcess();
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The client URL, http://127.0.0.1:PORT. */
  public URI clientUrl() {
    return URI.create("http://127.0.0.1:" + clientPort);
  }

  /** SIGKILLs the server (its data stays) and waits until it is gone. */
  public synchronized void stop() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts the server again on the same data dir and ports. */
  public synchronized void restart() throws IOException {
    stop();
    startProcess();
  }

  private synchronized void startProcess() throws IOException {
    String client = "http://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    process = new ProcessBuilder(List.of(binary().toString(), "--name", "lab", "--data-dir",
        dir.resolve("data").toString(), "--listen-client-urls", client, "--advertise-client-urls", client,
        "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "lab=" + peer,
        "--log-level", "warn"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
      if (!process.isAlive()) {
        throw new IOException("etcd exited with " + process.exitValue() + ": " + log());
      }
      if (healthy()) {
        return;
      }
      sleep(100);
    }
    throw new IOException("etcd did not become healthy within 20 s: " + log());
  }

  private boolean healthy() {
    try {
      HttpURLConnection c = (HttpURLConnection) clientUrl().resolve("/health").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(500);
      try {
        return c.getResponseCode() == 200
            && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"true\"");
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("etcd.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() {
    stop();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp dir is harmless
    }
  }

  /** The binary scripts/fetch-etcd.sh prints (run from the project directory, once per JVM). */
  static synchronized Path binary() throws IOException {
    if (binary == null) {
      Process fetch = new ProcessBuilder("bash", "scripts/fetch-etcd.sh")
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
      String out = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      try {
        if (!fetch.waitFor(5, TimeUnit.MINUTES) || fetch.exitValue() != 0 || out.isEmpty()) {
          fetch.destroyForcibly();
          throw new IOException("scripts/fetch-etcd.sh failed (set ETCD_BIN to an etcd 3.4 binary)");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while fetching etcd", e);
      }
      binary = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    }
    return binary;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
