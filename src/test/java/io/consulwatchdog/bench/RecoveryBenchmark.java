package io.consulwatchdog.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Measures recoveries on real Consul 1.8.7 clusters against the floor, in one run on one machine: a majority
 * replaced (3 and 5 servers), every server killed, two of three killed; and the floor (every server killed
 * and started again by hand, no watchdog). Each phase is measured from outside the watchdog; prints every run
 * as it ends, then the median and max of each phase and each total as a ratio to the floor.
 *
 * <p>Run with {@code scripts/benchmark.sh [RUNS] [SCENARIO...]}. Not a unit test: it prints numbers, it
 * asserts nothing.
 */
public final class RecoveryBenchmark {
  private RecoveryBenchmark() {}

  /** Arguments: runs per scenario (default 5), then optionally the ids of the scenarios to run (default all). */
  public static void main(String[] args) {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    if (runs < 1 || runs > 50) {
      System.err.println("RUNS must be 1..50, was " + runs);
      System.exit(64);
    }
    Set<String> wanted = Arrays.stream(args).skip(1).collect(Collectors.toSet());
    List<Scenario> scenarios = Scenario.all().stream().filter(s -> wanted.isEmpty() || wanted.contains(s.id()))
        .toList();
    if (scenarios.isEmpty()) {
      System.err.println("no such scenario; known: " + Scenario.all().stream().map(Scenario::id).toList());
      System.exit(64);
    }
    System.out.printf("recovery benchmark: %d run(s) of each of %s%n", runs,
        scenarios.stream().map(Scenario::id).toList());
    System.out.printf("watchdog: poll %d s, leaderless_after %d s, confirmation %d polls and %d s, strategies %s; "
        + "Consul raft_multiplier 1; %d keys checked after each outage; a run that has not healed %d s after "
        + "its outage counts as failed%n", 1, ScenarioRun.RECOVERY.leaderlessAfter().toSeconds(),
        ScenarioRun.RECOVERY.confirmPolls(), ScenarioRun.RECOVERY.confirmWindow().toSeconds(),
        ScenarioRun.RECOVERY.strategies(), ScenarioRun.KEYS, ScenarioRun.HEAL_LIMIT.toSeconds());
    Map<Scenario, List<RunSample>> samples = new LinkedHashMap<>();
    scenarios.forEach(s -> samples.put(s, new ArrayList<>()));
    long start = System.nanoTime();
    // Round-robin (run 1 of every scenario, then run 2, ...): a change in the machine's load is spread over all.
    for (int i = 1; i <= runs; i++) {
      for (Scenario s : scenarios) {
        System.out.printf("[%5.0f s] %s, run %d of %d ...%n", (System.nanoTime() - start) / 1e9, s.id(), i, runs);
        RunSample r = runOnce(s);
        samples.get(s).add(r);
        System.out.printf("[%5.0f s]   %s%n", (System.nanoTime() - start) / 1e9, describe(s, r));
      }
    }
    new Report(samples, ScenarioRun.KEYS).print(System.out);
    System.out.printf("%nbenchmark took %.0f s%n", (System.nanoTime() - start) / 1e9);
  }

  private static RunSample runOnce(Scenario s) {
    try {
      return ScenarioRun.run(s);
    } catch (Exception e) {
      return RunSample.failedBefore(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static String describe(Scenario s, RunSample r) {
    String times = s.floor()
        ? String.format("start -> writable %s, -> every voter back %s", sec(r.writable()), sec(r.votersBack()))
        : String.format("detect %s, detect -> start %s (acting poll at +%s), start -> writable %s, "
            + "outage -> writable %s, -> every voter back %s (gauge %s)", sec(r.detected()),
            sec(RunSample.between(r.detected(), r.recoveryStarted())),
            sec(RunSample.between(r.detected(), r.actingPoll())),
            sec(RunSample.between(r.recoveryStarted(), r.writable())), sec(r.writable()), sec(r.votersBack()),
            sec(r.redundancyGauge())) + String.format(", a poll while stuck %s", sec(r.stuckPoll()));
    String steps = r.steps().isEmpty() ? "" : "; " + r.strategy() + " steps: " + stepsInOrder(r.steps());
    return (r.healed(ScenarioRun.KEYS) ? "healed: " : "FAILED: " + r.failure().orElse("keys lost") + "; ")
        + times + ", keys " + r.keysIntact() + "/" + ScenarioRun.KEYS + steps
        + (r.verdicts().isEmpty() ? "" : "; verdicts: " + String.join(", ", r.verdicts()));
  }

  /** The steps in plan order, a run of steps of one kind shown once with its count and total time. */
  private static String stepsInOrder(List<RunSample.StepTime> steps) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < steps.size(); ) {
      String kind = steps.get(i).kind();
      int n = 0;
      long millis = 0;
      for (; i < steps.size() && steps.get(i).kind().equals(kind); i++, n++) {
        millis += steps.get(i).millis();
      }
      parts.add(kind + (n > 1 ? " ×" + n : "") + " " + millis + " ms");
    }
    return String.join(", ", parts);
  }

  private static String sec(OptionalDouble d) {
    return d.isPresent() ? String.format("%.1f s", d.getAsDouble()) : "-";
  }
}
