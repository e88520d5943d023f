package io.consulwatchdog.plan;

import java.util.List;

/** What the planner produced: a plan, or a refusal with the reasons of every strategy tried. */
public sealed interface PlanOutcome {

  /** A plan ready to run or print. */
  record Planned(RecoveryPlan plan) implements PlanOutcome {}

  /** No strategy fits; each reason names the strategy and why it refused. */
  record Refused(List<String> reasons) implements PlanOutcome {
    public Refused {
      reasons = List.copyOf(reasons);
    }

    /** The reasons on one line each. */
    public String render() {
      return "no recovery plan:\n  - " + String.join("\n  - ", reasons) + "\n";
    }
  }
}
