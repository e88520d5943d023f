package io.consulwatchdog.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;

/** Reads Linux's /proc to tell whether a pid is a live lab Consul, and signals it by pid. */
final class ProcessTable {
  private static final long POLL_MILLIS = 50;

  private ProcessTable() {}

  /**
   * True if the process exists and is not a finished zombie. A multithreaded process (Consul) whose main
   * thread is already a zombie still counts as live while its other threads exit and close its sockets.
   */
  static boolean isLive(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
      int close = stat.lastIndexOf(") ");
      if (close < 0 || close + 2 >= stat.length()) {
        return false;
      }
      char state = stat.charAt(close + 2);
      if (state != 'Z' && state != 'X' && state != 'x') {
        return true;
      }
      try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
        return tasks.limit(2).count() > 1;
      }
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  /** True if the process is live and was started with -data-dir=dataDir, i.e. it is that lab server. */
  static boolean isConsulOf(long pid, Path dataDir) {
    if (!isLive(pid)) {
      return false;
    }
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      String wanted = "-data-dir=" + dataDir;
      return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")).contains(wanted);
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends SIGKILL to the pid if it still runs the given server's Consul; returns whether it did. */
  static boolean killIfConsulOf(long pid, Path dataDir) {
    if (!isConsulOf(pid, dataDir)) {
      return false;
    }
    return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
  }

  /** Waits until the pid is no longer live (a zombie counts as gone); returns whether it went. */
  static boolean awaitNotLive(long pid, Duration timeout) {
    return awaitCondition(() -> !isLive(pid), timeout);
  }

  /** Waits until the pid is gone from the process table entirely (reaped); returns whether it went. */
  static boolean awaitReaped(long pid, Duration timeout) {
    return awaitCondition(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), timeout);
  }

  private static boolean awaitCondition(java.util.function.BooleanSupplier done, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return done.getAsBoolean();
      }
    }
    return true;
  }
}
