package io.consulwatchdog.bench;

import io.consulwatchdog.demo.Demo;
import io.consulwatchdog.demo.DemoScenario;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Measures the stuck scenario (a majority of servers replaced by fresh ones) end to end on real Consul:
 * outage → detection → recovery start → healthy leader, N runs per cluster size; prints median and max.
 *
 * <p>Run with {@code scripts/benchmark.sh [RUNS]}. Not a unit test: it prints numbers, it asserts nothing.
 */
public final class RecoveryBenchmark {
  private static final Demo.Settings SETTINGS_3 = new Demo.Settings(3, Duration.ofSeconds(3), 3, Duration.ofSeconds(5));

  private record Sample(double detect, double toStart, double recovery, double total, long keys) {}

  private RecoveryBenchmark() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.out.printf("stuck-cluster benchmark: %d runs per size; poll 1 s, leaderless_after %d s, confirmation %d polls and %d s%n",
        runs, SETTINGS_3.leaderlessAfter().toSeconds(), SETTINGS_3.confirmPolls(), SETTINGS_3.confirmWindow().toSeconds());
    for (int servers : new int[] {3, 5}) {
      Demo.Settings settings = new Demo.Settings(servers, SETTINGS_3.leaderlessAfter(), SETTINGS_3.confirmPolls(),
          SETTINGS_3.confirmWindow());
      List<Sample> samples = new ArrayList<>();
      for (int i = 1; i <= runs; i++) {
        Path out = Files.createTempDirectory("consul-watchdog-bench");
        Demo.Result r = new Demo(DemoScenario.REPLACE_TWO, settings, out, new PrintWriter(Writer.nullWriter())).runAndMeasure();
        Demo.Outcome o = r.outcome();
        if (!r.passed() || o.detected().isEmpty() || o.recoveryStarted().isEmpty() || o.healthy().isEmpty()) {
          System.out.printf("  %d servers, run %d: FAILED (recoveries %d, final %s, keys %d/%d)%n", servers, i,
              o.recoveries(), o.finalCode(), o.keysIntact(), Demo.KEYS);
          continue;
        }
        Sample s = new Sample(sec(o.detected()), sec(o.recoveryStarted()) - sec(o.detected()),
            sec(o.healthy()) - sec(o.recoveryStarted()), sec(o.healthy()), o.keysIntact());
        samples.add(s);
        System.out.printf("  %d servers, run %d: detect %.1f s, detect->start %.1f s, start->healthy %.1f s, total %.1f s, keys %d/%d%n",
            servers, i, s.detect(), s.toStart(), s.recovery(), s.total(), s.keys(), Demo.KEYS);
      }
      System.out.printf("%d servers (%d of %d runs healed, every key kept):%n", servers, samples.size(), runs);
      row("outage -> detection", samples, Sample::detect);
      row("detection -> recovery start", samples, Sample::toStart);
      row("recovery start -> healthy leader", samples, Sample::recovery);
      row("total", samples, Sample::total);
    }
  }

  private static void row(String name, List<Sample> samples, Function<Sample, Double> f) {
    List<Double> v = samples.stream().map(f).sorted(Comparator.naturalOrder()).toList();
    if (v.isEmpty()) {
      System.out.printf("  %-34s no successful run%n", name);
      return;
    }
    double median = v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2;
    System.out.printf("  %-34s median %5.1f s   max %5.1f s%n", name, median, v.get(v.size() - 1));
  }

  private static double sec(Optional<Duration> d) {
    return d.map(x -> x.toMillis() / 1000.0).orElse(Double.NaN);
  }
}
