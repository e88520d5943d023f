package io.consulwatchdog.recover;

import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Optional;

/**
 * A recovery the journal shows as planned (not as a dry run) but never finished.
 *
 * @param plan the plan as journaled
 * @param finished step index -> whether that step's end was recorded as a success
 * @param dangling the index of a step whose start was recorded but not its end
 */
public record UnfinishedRecovery(RecoveryPlan plan, Map<Integer, Boolean> finished, Optional<Integer> dangling) {

  public UnfinishedRecovery {
    finished = Map.copyOf(finished);
  }

  /** The last recovery planned for real among the events (oldest first) whose end is not among them. */
  public static Optional<UnfinishedRecovery> of(List<AuditEvent> events) {
    RecoveryPlan open = null;
    Map<Integer, Boolean> finished = new HashMap<>();
    Integer dangling = null;
    for (AuditEvent e : events) {
      if (e instanceof AuditEvent.RecoveryPlanned p) {
        if (!p.dryRun() && p.plan() != null) {
          open = p.plan();
          finished = new HashMap<>();
          dangling = null;
        }
      } else if (open == null || !open.id().equals(e.recoveryId())) {
        continue;
      } else if (e instanceof AuditEvent.StepStarted started) {
        dangling = started.stepIndex();
      } else if (e instanceof AuditEvent.StepFinished ended) {
        finished.put(ended.stepIndex(), ended.success());
        if (dangling != null && dangling == ended.stepIndex()) {
          dangling = null;
        }
      } else if (e instanceof AuditEvent.RecoveryFinished) {
        open = null;
      }
    }
    return open == null ? Optional.empty()
        : Optional.of(new UnfinishedRecovery(open, finished, Optional.ofNullable(dangling)));
  }

  /** The steps that ran or may have run: those with a recorded end, and one started without an end. */
  public List<Integer> ranOrStarted() {
    List<Integer> out = new ArrayList<>(new TreeSet<>(finished.keySet()));
    dangling.filter(i -> !out.contains(i)).ifPresent(out::add);
    return out;
  }

  /** True when a step that changes servers (one with an undo) ran or may have run. */
  public boolean changedServers() {
    return ranOrStarted().stream().anyMatch(i -> i < plan.steps().size() && plan.steps().get(i).undo().isPresent());
  }

  /** Where a restarted watchdog may pick the recovery up, or why it must not. */
  public sealed interface ResumePoint {
    /** Run the plan from this step index on (the plan's size means: only verify). */
    record Continue(int fromStep) implements ResumePoint {}

    /** Do not run anything more: finish the recovery as FAILED for this reason. */
    record Abandon(String reason) implements ResumePoint {}
  }

  /**
   * Completed steps are never re-run; a failed step ends the recovery; a destructive step that started
   * without a recorded end is never repeated; a non-destructive one is retried.
   */
  public ResumePoint resumePoint() {
    for (Map.Entry<Integer, Boolean> e : finished.entrySet()) {
      if (!e.getValue()) {
        return new ResumePoint.Abandon("step " + (e.getKey() + 1) + " (" + describe(e.getKey())
            + ") failed before the watchdog stopped");
      }
    }
    if (dangling.isPresent()) {
      int i = dangling.get();
      Step step = plan.steps().get(i);
      if (step.destructive()) {
        return new ResumePoint.Abandon("step " + (i + 1) + " (" + step.describe() + ") started but its end was "
            + "never recorded; it is destructive and is not repeated: an operator must check server state");
      }
      return new ResumePoint.Continue(i);
    }
    int next = 0;
    while (next < plan.steps().size() && finished.containsKey(next)) {
      next++;
    }
    return new ResumePoint.Continue(next);
  }

  private String describe(int index) {
    return index < plan.steps().size() ? plan.steps().get(index).describe() : "?";
  }
}
