package io.consulwatchdog.bench;

import io.consulwatchdog.config.Durations;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Writes the watchdog config the benchmarks run with: detect-only clusters whose servers have no executor. */
public final class BenchConfig {
  private BenchConfig() {}

  /** One server of a benchmark cluster. */
  public record Server(String name, URI httpAddress) {}

  /** One benchmark cluster. */
  public record Cluster(String name, List<Server> servers) {}

  /** Writes the YAML config file (listen_address 127.0.0.1:0: any free port) and returns its path. */
  public static Path write(Path file, Path stateDir, Duration pollInterval, Duration requestTimeout,
      List<Cluster> clusters) throws IOException {
    StringBuilder y = new StringBuilder();
    y.append("state_dir: ").append(stateDir.toAbsolutePath()).append('\n');
    y.append("listen_address: 127.0.0.1:0\n");
    y.append("clusters:\n");
    for (Cluster c : clusters) {
      y.append("  - name: ").append(c.name()).append('\n');
      y.append("    poll_interval: ").append(Durations.format(pollInterval)).append('\n');
      y.append("    request_timeout: ").append(Durations.format(requestTimeout)).append('\n');
      y.append("    executor_defaults: {type: none}\n");
      y.append("    recovery: {mode: detect-only}\n");
      y.append("    servers:\n");
      for (Server s : c.servers()) {
        y.append("      - {name: ").append(s.name()).append(", http_address: \"").append(s.httpAddress()).append("\"}\n");
      }
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, y.toString());
    return file;
  }
}
