package io.consulwatchdog.bench;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.Durations;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.daemon.Daemon;
import io.consulwatchdog.daemon.RecordingTickListener;
import io.consulwatchdog.daemon.TickTiming;
import io.consulwatchdog.decide.ModeOverrides;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One real daemon (daemon.Daemon, detect-only) watching every cluster of a config, usually the agent
 * simulator's 50 clusters x 5 agents, for a fixed time; prints polls/s, tick lateness, poll and tick
 * durations, missed ticks, RSS, CPU and threads of this process.
 *
 * <p>Run with {@code scripts/scale-benchmark.sh [SECONDS]}, which starts the simulator as another
 * process and runs this with the launcher's JVM options. It prints numbers; it asserts nothing.
 */
public final class ScaleBenchmark {
  private ScaleBenchmark() {}

  /** The run: from the daemon's start to the end, and where its warm-up ends. */
  private record Window(Instant start, Instant warm, Instant end) {}

  /** This process's resources over the run: CPU seconds, RSS in MiB, live threads. */
  private record Usage(double cpuAtStart, double cpuAtEnd, double rssAtEnd, double maxRss, int threadsAtEnd,
      int maxThreads) {}

  /** Runs the daemon for --duration against --config and prints the table. */
  public static void main(String[] args) throws Exception {
    BenchArgs a = new BenchArgs(args, Map.of("config", "", "duration", "60s", "warmup", "10s", "ticks-csv",
        ""));
    WatchdogConfig config = new ConfigLoader().load(a.path("config"));
    Duration duration = a.duration("duration");
    RecordingTickListener recorder = new RecordingTickListener();
    Map<String, String> verdicts = new TreeMap<>();

    Instant daemonStart = Instant.now();
    double cpuAtStart = ProcessStats.cpuSeconds();
    double maxRss = 0;
    int maxThreads = 0;
    Instant end;
    double rssAtEnd;
    int threadsAtEnd;
    try (Daemon daemon = Daemon.start(config, ModeOverrides.none(), recorder)) {
      long deadline = System.nanoTime() + duration.toNanos();
      while (System.nanoTime() < deadline) {
        Thread.sleep(Math.min(1000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        maxRss = Math.max(maxRss, ProcessStats.rssMib());
        maxThreads = Math.max(maxThreads, ProcessStats.threads());
      }
      end = Instant.now();
      rssAtEnd = ProcessStats.rssMib();
      threadsAtEnd = ProcessStats.threads();
      config.clusters().forEach(c -> verdicts.put(c.name(), daemon.latest(c.name())
          .map(v -> v.code().name()).orElse("NOT_YET_POLLED")));
    }
    Usage usage = new Usage(cpuAtStart, ProcessStats.cpuSeconds(), rssAtEnd, maxRss, threadsAtEnd, maxThreads);
    List<TickTiming> ticks = recorder.ticks();
    if (!a.text("ticks-csv").isEmpty()) {
      writeCsv(a.path("ticks-csv"), daemonStart, ticks);
    }
    report(config, recorder, new Window(daemonStart, daemonStart.plus(a.duration("warmup")), end), ticks, verdicts,
        usage);
  }

  private static void report(WatchdogConfig config, RecordingTickListener schedule, Window run,
      List<TickTiming> ticks, Map<String, String> verdicts, Usage usage) {
    int agents = config.clusters().stream().mapToInt(c -> c.servers().size()).sum();
    Duration interval = config.clusters().get(0).pollInterval();
    TickStats all = new TickStats(0, 0, 0, 0);
    TickStats warm = new TickStats(0, 0, 0, 0);
    Duration maxGap = Duration.ZERO;
    for (ClusterConfig c : config.clusters()) {
      List<TickTiming> own = schedule.ticks(c.name());
      all = all.plus(TickStats.of(own, c.pollInterval(), schedule.firstTick(c.name()), run.end()));
      warm = warm.plus(TickStats.of(own, c.pollInterval(), schedule.firstTick(c.name()), run.warm(), run.end()));
      for (int i = 1; i < own.size(); i++) {
        Duration gap = Duration.between(own.get(i - 1).started(), own.get(i).started());
        maxGap = gap.compareTo(maxGap) > 0 ? gap : maxGap;
      }
    }
    List<TickTiming> afterWarmUp = ticks.stream().filter(t -> !t.scheduled().isBefore(run.warm())).toList();
    double seconds = Duration.between(run.start(), run.end()).toNanos() / 1e9;
    double warmSeconds = Duration.between(run.warm(), run.end()).toNanos() / 1e9;
    Map<String, Integer> codes = new TreeMap<>();
    verdicts.values().forEach(code -> codes.merge(code, 1, Integer::sum));
    double cpu = usage.cpuAtEnd() - usage.cpuAtStart();

    System.out.printf("%nscale benchmark: %d clusters, %d agents, poll_interval %s, %.0f s, JVM options: %s%n",
        config.clusters().size(), agents, Durations.format(interval), seconds,
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    System.out.printf("| figure | whole run | after the first %.0f s (JVM warm-up) |%n",
        Duration.between(run.start(), run.warm()).toNanos() / 1e9);
    System.out.println("|---|---|---|");
    row("polls/s (all clusters; the schedule asks " + String.format("%.1f)", config.clusters().size()
        / (interval.toNanos() / 1e9)), String.format("%.1f", ticks.size() / seconds),
        String.format("%.1f", afterWarmUp.size() / warmSeconds));
    row("ticks run / schedule slots", all.ran() + " / " + all.slots(), warm.ran() + " / " + warm.slots());
    row("missed ticks (skipped + started > 1 interval late)", missed(all), missed(warm));
    row("tick start lateness p50 / p99 / max", percentiles(ticks.stream().map(TickTiming::lateness).toList()),
        percentiles(afterWarmUp.stream().map(TickTiming::lateness).toList()));
    row("poll duration p50 / p99 / max", percentiles(ticks.stream().flatMap(t -> t.pollTook().stream()).toList()),
        percentiles(afterWarmUp.stream().flatMap(t -> t.pollTook().stream()).toList()));
    row("tick duration p50 / p99 / max", percentiles(ticks.stream().map(TickTiming::tickTook).toList()),
        percentiles(afterWarmUp.stream().map(TickTiming::tickTook).toList()));
    row("longest gap between two ticks of a cluster", String.format("%d ms", maxGap.toMillis()), "");
    row("RSS: at the end / max sampled each second / peak (VmHWM)", String.format("%.0f / %.0f / %.0f MiB",
        usage.rssAtEnd(), usage.maxRss(), ProcessStats.peakRssMib()), "");
    row("CPU time (whole process)", String.format("%.1f s = %.0f%% of one core (%.1f s incl. JVM start)",
        cpu, 100 * cpu / seconds, usage.cpuAtEnd()), "");
    row("threads: at the end / max sampled / peak", usage.threadsAtEnd() + " / " + usage.maxThreads() + " / "
        + ProcessStats.peakThreads(), "");
    row("garbage collections (whole process)", ProcessStats.gc(), "");
    row("verdicts at the end", codes.toString(), "");
  }

  private static String missed(TickStats s) {
    return String.format("%d (%d + %d)", s.missed(), s.skipped(), s.late());
  }

  private static String percentiles(List<Duration> values) {
    return new Percentiles(values).summary();
  }

  /** One line per tick, times in ms since the daemon's start: for looking at when slow ticks happened. */
  private static void writeCsv(Path file, Instant daemonStart, List<TickTiming> ticks) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("cluster,scheduled_ms,started_ms,tick_ms,poll_ms");
    for (TickTiming t : ticks) {
      lines.add(String.format("%s,%d,%d,%.1f,%.1f", t.cluster(), Duration.between(daemonStart, t.scheduled()).toMillis(),
          Duration.between(daemonStart, t.started()).toMillis(), t.tickTook().toNanos() / 1e6,
          t.pollTook().map(p -> p.toNanos() / 1e6).orElse(Double.NaN)));
    }
    Files.write(file, lines);
  }

  private static void row(String name, String whole, String afterWarmUp) {
    System.out.printf("| %s | %s | %s |%n", name, whole, afterWarmUp);
  }
}
