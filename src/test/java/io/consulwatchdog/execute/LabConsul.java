package io.consulwatchdog.execute;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Finds the Consul binary (scripts/fetch-consul.sh) and a free loopback address in 127.200-250.*.*. */
final class LabConsul {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private LabConsul() {}

  /** The Consul binary path printed by scripts/fetch-consul.sh. */
  static Path binary() throws IOException, InterruptedException {
    String out = LabProcesses.run(List.of("bash", Path.of("scripts/fetch-consul.sh").toAbsolutePath().toString()),
        Duration.ofMinutes(10));
    return Path.of(out.strip().lines().reduce((a, b) -> b).orElseThrow());
  }

  /** A random 127.200-250.*.* address whose Consul ports (TCP 8300-8302, 8500; UDP 8301-8302) are free. */
  static String freeAddress() {
    for (int attempt = 0; attempt < 100; attempt++) {
      String address = "127." + (200 + RANDOM.nextInt(51)) + "." + RANDOM.nextInt(256) + "." + (1 + RANDOM.nextInt(254));
      if (portsFree(address)) {
        return address;
      }
    }
    throw new IllegalStateException("no free loopback address in 127.200-250.*.* after 100 tries");
  }

  private static boolean portsFree(String address) {
    try {
      InetAddress a = InetAddress.getByName(address);
      for (int port : List.of(8300, 8301, 8302, 8500)) {
        try (ServerSocket s = new ServerSocket()) {
          s.bind(new InetSocketAddress(a, port));
        }
      }
      for (int port : List.of(8301, 8302)) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(a, port))) {
          s.getLocalPort();
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The leader address from /v1/status/leader, or empty when Consul does not answer or has no leader. */
  static Optional<String> leader(String address) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + address + ":8500/v1/status/leader"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
      String body = r.body().strip().replace("\"", "");
      return r.statusCode() == 200 && !body.isEmpty() ? Optional.of(body) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
