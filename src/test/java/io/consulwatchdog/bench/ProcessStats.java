package io.consulwatchdog.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory (from /proc/self/status), CPU time and thread count. */
final class ProcessStats {
  private ProcessStats() {}

  /** Resident set size now, in MiB (VmRSS). */
  static double rssMib() {
    return statusKib("VmRSS:") / 1024.0;
  }

  /** The highest resident set size so far, in MiB (VmHWM). */
  static double peakRssMib() {
    return statusKib("VmHWM:") / 1024.0;
  }

  /** CPU time (user + system) of the whole process so far, in seconds. */
  static double cpuSeconds() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /** Live threads now. */
  static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  /** The most live threads at any time so far. */
  static int peakThreads() {
    return ManagementFactory.getThreadMXBean().getPeakThreadCount();
  }

  /** Garbage collections so far and their total time, e.g. "120 in 0.4 s". */
  static String gc() {
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    return String.format("%d in %.1f s", count, millis / 1000.0);
  }

  private static long statusKib(String field) {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field))
          .map(l -> Long.parseLong(l.substring(field.length()).trim().split("\\s+")[0])).findFirst()
          .orElseThrow(() -> new IllegalStateException("no " + field + " in /proc/self/status"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/status", e);
    }
  }
}
