package io.consulwatchdog.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Locates the Consul binary through the project's scripts/fetch-consul.sh, once per JVM. */
public final class ConsulBinary {
  private static final Logger LOG = LoggerFactory.getLogger(ConsulBinary.class);
  private static final long FETCH_TIMEOUT_MINUTES = 10;
  private static Path cached;

  private ConsulBinary() {}

  /** Returns the path printed by scripts/fetch-consul.sh; runs the script only on the first call. */
  public static synchronized Path locate() {
    if (cached == null) {
      cached = fetch();
    }
    return cached;
  }

  private static Path fetch() {
    Path project = ProjectDir.find().orElseThrow(() -> new LabException(
        "cannot find " + ProjectDir.FETCH_SCRIPT + " above " + Path.of("").toAbsolutePath()
            + "; run from the project or set -D" + ProjectDir.PROPERTY + "=<project dir>"));
    Path script = project.resolve(ProjectDir.FETCH_SCRIPT);
    Path errors = null;
    Path output = null;
    try {
      errors = Files.createTempFile("fetch-consul", ".err");
      output = Files.createTempFile("fetch-consul", ".out");
      Process p = new ProcessBuilder("bash", script.toString())
          .directory(project.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectError(errors.toFile())
          .redirectOutput(output.toFile())
          .start();
      if (!p.waitFor(FETCH_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new LabException(script + " did not finish within " + FETCH_TIMEOUT_MINUTES + " minutes");
      }
      String out = Files.readString(output, StandardCharsets.UTF_8).trim();
      String err = Files.readString(errors, StandardCharsets.UTF_8).trim();
      if (p.exitValue() != 0 || out.isEmpty()) {
        throw new LabException(script + " failed with exit code " + p.exitValue() + ": " + err
            + " (set CONSUL_BIN to a Consul 1.8.7 binary to skip the download)");
      }
      Path binary = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
      if (!Files.isExecutable(binary)) {
        throw new LabException(script + " printed " + binary + ", which is not an executable file");
      }
      LOG.info("using Consul binary {}", binary);
      return binary;
    } catch (IOException e) {
      throw new LabException("cannot run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted while running " + script, e);
    } finally {
      deleteQuietly(errors);
      deleteQuietly(output);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }
}
