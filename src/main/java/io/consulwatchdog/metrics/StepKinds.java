package io.consulwatchdog.metrics;

import io.consulwatchdog.plan.Step;
import java.util.ArrayList;
import java.util.List;

/** The kinds of recovery step (e.g. "stop-agent"), read from the sealed Step hierarchy, for counters at 0. */
final class StepKinds {
  private StepKinds() {}

  /** Every step kind, in declaration order. */
  static List<String> all() {
    List<String> kinds = new ArrayList<>();
    collect(Step.class, kinds);
    return List.copyOf(kinds);
  }

  private static void collect(Class<?> type, List<String> kinds) {
    Step.Kind kind = type.getAnnotation(Step.Kind.class);
    if (kind != null && !kinds.contains(kind.value())) {
      kinds.add(kind.value());
    }
    if (type.isSealed()) {
      for (Class<?> sub : type.getPermittedSubclasses()) {
        collect(sub, kinds);
      }
    }
  }
}
