package io.consulwatchdog.execute;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Helpers for lab tests: run a short command, check a PID, wait for a port, stop a process by PID. */
final class LabProcesses {
  private LabProcesses() {}

  /** Runs a short command (ssh-keygen, systemctl) and returns its stdout; fails the test on non-zero exit. */
  static String run(List<String> argv, Duration timeout, String... env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    for (int i = 0; i + 1 < env.length; i += 2) {
      pb.environment().put(env[i], env[i + 1]);
    }
    Path err = Files.createTempFile("lab-cmd", ".err");
    try {
      Process p = pb.redirectError(err.toFile()).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(argv + " did not finish within " + timeout);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(argv + " exited " + p.exitValue() + ": " + Files.readString(err));
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** True when the PID names a live process that is not a zombie. */
  static boolean alive(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits (bounded) until nothing listens on host:port any more or something does, as asked. */
  static boolean awaitPort(String host, int port, boolean open, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 200);
        if (open) {
          return true;
        }
      } catch (IOException e) {
        if (!open) {
          return true;
        }
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** A free TCP port on 127.0.0.1 at the time of the call. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Stops a process this test started: SIGTERM, then SIGKILL after the grace period. */
  static void stop(Process process, Duration grace) {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Stops a process by PID (one this test started but does not hold a Process for). */
  static void stop(long pid, Duration grace) {
    ProcessHandle.of(pid).ifPresent(h -> {
      h.destroy();
      long deadline = System.nanoTime() + grace.toNanos();
      while (alive(pid) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (alive(pid)) {
        h.destroyForcibly();
      }
    });
  }
}
