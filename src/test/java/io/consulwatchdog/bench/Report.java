package io.consulwatchdog.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/** Prints the benchmark's tables (Markdown, ready for the README): per phase the median and max over healed runs. */
final class Report {
  /** A row of the main table: its label and the phase it reads from a run. */
  private record Phase(String label, Function<RunSample, OptionalDouble> of) {}

  private static final List<Phase> PHASES = List.of(
      new Phase("outage → detection (first QUORUM_LOST/LEADERLESS)", RunSample::detected),
      new Phase("detection → recovery start (first executor call)",
          s -> RunSample.between(s.detected(), s.recoveryStarted())),
      new Phase("  ↳ confirmation: detection → the poll that acts", s -> RunSample.between(s.detected(), s.actingPoll())),
      new Phase("  ↳ that poll, re-probe, plan, journal", s -> RunSample.between(s.actingPoll(), s.recoveryStarted())),
      new Phase("recovery start → writable leader", s -> RunSample.between(s.recoveryStarted(), s.writable())),
      new Phase("**outage → writable leader**", RunSample::writable),
      new Phase("outage → every voter back", RunSample::votersBack),
      new Phase("watchdog's redundancy gauge (from recovery start)", RunSample::redundancyGauge),
      new Phase("one poll of the stuck cluster (the loop's observe)", RunSample::stuckPoll));

  private final Map<Scenario, List<RunSample>> samples;
  private final int keys;

  /** A report over every scenario's runs (failed runs included: they are counted, not timed). */
  Report(Map<Scenario, List<RunSample>> samples, int keys) {
    this.samples = new LinkedHashMap<>(samples);
    this.keys = keys;
  }

  /** Prints the watchdog scenarios' table, the floor's table and where each recovery's time went. */
  void print(PrintStream out) {
    List<Scenario> watched = samples.keySet().stream().filter(s -> !s.floor()).toList();
    List<Scenario> floors = samples.keySet().stream().filter(Scenario::floor).toList();
    if (!watched.isEmpty()) {
      out.println();
      out.println(header("phase (median / max)", watched));
      for (Phase p : PHASES) {
        out.println(row(p.label(), watched, s -> cell(healed(s), p.of())));
      }
      out.println(row("outage → writable ÷ floor (medians)", watched, s -> ratio(s, RunSample::writable)));
      out.println(row("recovery start → writable ÷ floor (medians)", watched,
          s -> ratio(s, r -> RunSample.between(r.recoveryStarted(), r.writable()))));
      out.println(row("runs healed, every key kept", watched, this::healedCount));
    }
    if (!floors.isEmpty()) {
      out.println();
      out.println(header("floor, no watchdog (median / max)", floors));
      out.println(row("start → writable leader", floors, s -> cell(healed(s), RunSample::writable)));
      out.println(row("start → every voter back", floors, s -> cell(healed(s), RunSample::votersBack)));
      out.println(row("runs healed, every key kept", floors, this::healedCount));
    }
    if (!watched.isEmpty()) {
      out.println();
      out.println("Where a recovery's time goes (median per step kind over healed runs, from the audit journal):");
      for (Scenario s : watched) {
        out.println("  " + s.id() + ": " + steps(healed(s)));
      }
    }
  }

  private List<RunSample> healed(Scenario s) {
    return samples.get(s).stream().filter(r -> r.healed(keys)).toList();
  }

  private String healedCount(Scenario s) {
    return healed(s).size() + " of " + samples.get(s).size();
  }

  private String ratio(Scenario s, Function<RunSample, OptionalDouble> phase) {
    Scenario floor = samples.keySet().stream().filter(f -> f.id().equals(s.floorId())).findFirst().orElse(null);
    if (floor == null) {
      return "no floor run";
    }
    OptionalDouble top = median(healed(s), phase);
    OptionalDouble bottom = median(healed(floor), RunSample::writable);
    return top.isPresent() && bottom.isPresent() && bottom.getAsDouble() > 0
        ? String.format("%.1f×", top.getAsDouble() / bottom.getAsDouble()) : "–";
  }

  /** The median of each step kind's time per run (summed within a run), in the order the kinds first appear. */
  private static String steps(List<RunSample> runs) {
    Map<String, List<Double>> byKind = new LinkedHashMap<>();
    for (RunSample r : runs) {
      Map<String, Double> sums = new LinkedHashMap<>();
      r.steps().forEach(st -> sums.merge(st.kind(), st.millis() / 1000.0, Double::sum));
      sums.forEach((kind, sec) -> byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(sec));
    }
    if (byKind.isEmpty()) {
      return "no healed run";
    }
    List<String> parts = new ArrayList<>();
    byKind.forEach((kind, secs) -> parts.add(String.format("%s %.1f s", kind, middle(secs))));
    String strategy = runs.get(0).strategy();
    return strategy + ": " + String.join(", ", parts);
  }

  static OptionalDouble median(List<RunSample> runs, Function<RunSample, OptionalDouble> phase) {
    return median(values(runs, phase));
  }

  /** The median of the values, empty when there are none. */
  static OptionalDouble median(List<Double> values) {
    return values.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(middle(values));
  }

  private static String cell(List<RunSample> runs, Function<RunSample, OptionalDouble> phase) {
    List<Double> values = values(runs, phase);
    if (values.isEmpty()) {
      return "–";
    }
    return String.format("%.1f s / %.1f s", middle(values), values.get(values.size() - 1));
  }

  private static List<Double> values(List<RunSample> runs, Function<RunSample, OptionalDouble> phase) {
    return runs.stream().map(phase).filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble)
        .sorted(Comparator.naturalOrder()).toList();
  }

  private static double middle(List<Double> values) {
    List<Double> v = values.stream().sorted().toList();
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static String header(String first, List<Scenario> columns) {
    StringBuilder h = new StringBuilder("| " + first + " |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Scenario s : columns) {
      h.append(' ').append(s.id()).append(" |");
      rule.append("---|");
    }
    return h + "\n" + rule;
  }

  private static String row(String label, List<Scenario> columns, Function<Scenario, String> cell) {
    StringBuilder r = new StringBuilder("| " + label + " |");
    columns.forEach(s -> r.append(' ').append(cell.apply(s)).append(" |"));
    return r.toString();
  }
}
