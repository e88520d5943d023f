package io.consulwatchdog.recover;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The recoveries of a cluster as its audit journal tells them: each plan with its start, its end, its
 * outcome, the steps that ran and the undos. For /status and `consul-watchdog history`.
 */
public final class RecoveryHistory {
  /** The outcome of a recovery whose end is not in the journal (under way, or cut by a crash). */
  public static final String UNFINISHED = "UNFINISHED";

  private RecoveryHistory() {}

  /** Every recovery (plans only logged included) in the journal's events, oldest first. */
  public static List<Recovery> of(List<AuditEvent> events) {
    Map<String, Builder> byId = new LinkedHashMap<>();
    for (AuditEvent e : events) {
      if (e instanceof AuditEvent.RecoveryPlanned p) {
        byId.put(p.recoveryId(), new Builder(p));
        continue;
      }
      Builder b = byId.get(e.recoveryId());
      if (b != null) {
        b.add(e);
      }
    }
    return byId.values().stream().map(Builder::build).toList();
  }

  /** The last recovery that ran (not one only logged), if any. */
  public static Optional<Recovery> lastRun(List<AuditEvent> events) {
    List<Recovery> all = of(events);
    for (int i = all.size() - 1; i >= 0; i--) {
      if (!all.get(i).dryRun()) {
        return Optional.of(all.get(i));
      }
    }
    return Optional.empty();
  }

  /**
   * One recovery.
   *
   * @param id the recovery ID
   * @param strategy the strategy that planned it
   * @param dryRun true when the plan was only logged
   * @param start when it was planned
   * @param end when its end was journaled, if it was
   * @param outcome SUCCEEDED, FAILED, DRY_RUN or {@link #UNFINISHED}
   * @param reason the journaled reason of the outcome (empty while unfinished)
   * @param plannedSteps how many steps the plan had
   * @param steps the steps that started, in order
   * @param undone the undos that started, in order
   */
  public record Recovery(String id, String strategy, boolean dryRun, Instant start, Optional<Instant> end,
      String outcome, String reason, int plannedSteps, List<StepRun> steps, List<Undo> undone) {

    /** "5/5 ok", "2/5, step 2 failed" or "1/5, step 1 under way": how far the steps went. */
    public String stepsSummary() {
      if (dryRun) {
        return plannedSteps + " planned";
      }
      String ran = steps.size() + "/" + plannedSteps;
      Optional<StepRun> failed = steps.stream().filter(s -> s.success().equals(Optional.of(false))).findFirst();
      if (failed.isPresent()) {
        return ran + ", step " + (failed.get().index() + 1) + " failed";
      }
      Optional<StepRun> open = steps.stream().filter(s -> s.success().isEmpty()).findFirst();
      if (open.isPresent()) {
        return ran + ", step " + (open.get().index() + 1) + " under way";
      }
      return ran + " ok";
    }
  }

  /**
   * A step that started.
   *
   * @param index zero-based index in the plan
   * @param step its one-line description
   * @param destructive whether it changes servers
   * @param started when it started
   * @param success how it ended, empty if its end is not journaled
   * @param durationMillis how long it took (0 while unfinished)
   * @param error why it failed, empty if it did not
   */
  public record StepRun(int index, String step, boolean destructive, Instant started, Optional<Boolean> success,
      long durationMillis, String error) {}

  /**
   * The undo of a destructive step.
   *
   * @param index the index of the step undone
   * @param undo its one-line description
   * @param success how it ended, empty if its end is not journaled
   */
  public record Undo(int index, String undo, Optional<Boolean> success) {}

  /** Collects one recovery's events. */
  private static final class Builder {
    private final AuditEvent.RecoveryPlanned planned;
    private final List<StepRun> steps = new ArrayList<>();
    private final List<Undo> undone = new ArrayList<>();
    private AuditEvent.RecoveryFinished finished;

    Builder(AuditEvent.RecoveryPlanned planned) {
      this.planned = planned;
    }

    void add(AuditEvent e) {
      if (e instanceof AuditEvent.StepStarted s) {
        steps.add(new StepRun(s.stepIndex(), s.step(), s.destructive(), s.time(), Optional.empty(), 0, ""));
      } else if (e instanceof AuditEvent.StepFinished f) {
        replaceLast(steps, r -> r.index() == f.stepIndex(), r -> new StepRun(r.index(), r.step(), r.destructive(),
            r.started(), Optional.of(f.success()), f.durationMillis(), f.error() == null ? "" : f.error()));
      } else if (e instanceof AuditEvent.UndoStarted u) {
        undone.add(new Undo(u.stepIndex(), u.undo(), Optional.empty()));
      } else if (e instanceof AuditEvent.UndoFinished u) {
        replaceLast(undone, r -> r.index() == u.stepIndex(), r -> new Undo(r.index(), r.undo(), Optional.of(u.success())));
      } else if (e instanceof AuditEvent.RecoveryFinished f) {
        finished = f;
      }
    }

    private static <T> void replaceLast(List<T> list, Predicate<T> match,
        UnaryOperator<T> change) {
      for (int i = list.size() - 1; i >= 0; i--) {
        if (match.test(list.get(i))) {
          list.set(i, change.apply(list.get(i)));
          return;
        }
      }
    }

    Recovery build() {
      int planSteps = planned.plan() == null ? 0 : planned.plan().steps().size();
      String strategy = planned.plan() == null ? "?" : planned.plan().strategy();
      return new Recovery(planned.recoveryId(), strategy, planned.dryRun(), planned.time(),
          Optional.ofNullable(finished).map(AuditEvent::time),
          finished == null ? UNFINISHED : finished.outcome(), finished == null ? "" : finished.reason(), planSteps,
          List.copyOf(steps), List.copyOf(undone));
    }
  }
}
