package io.consulwatchdog.plan;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.plan.Step.RestartClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a verdict into a recovery plan by asking the configured strategies in order, one class each
 * ({@link RestartDownServers}, {@link PeersJsonRecovery}, {@link BootstrapExpect}): pure, no I/O.
 */
public final class Planner {
  private final Map<String, Strategy> strategies = new LinkedHashMap<>();

  /** A planner that knows every strategy. */
  public Planner() {
    for (Strategy s : List.of(new RestartDownServers(), new PeersJsonRecovery(), new BootstrapExpect())) {
      strategies.put(s.name(), s);
    }
  }

  /** Plans a recovery, or refuses with one reason per strategy tried. */
  public PlanOutcome plan(PlanRequest request) {
    Verdict verdict = request.verdict();
    if (!verdict.code().needsRecovery()) {
      return new PlanOutcome.Refused(List.of("the cluster is " + verdict.code() + ": nothing to recover"));
    }
    List<String> reasons = new ArrayList<>();
    for (String name : request.cluster().recovery().strategies()) {
      Strategy strategy = strategies.get(name);
      if (strategy == null) {
        reasons.add(name + ": unknown strategy");
        continue;
      }
      Strategy.Fit fit = strategy.fits(verdict);
      if (!fit.fits()) {
        reasons.add(name + ": " + fit.why());
        continue;
      }
      Attempt attempt = strategy.plan(request);
      if (attempt.steps().isPresent()) {
        List<Step> steps = new ArrayList<>(attempt.steps().get());
        String reason = verdict.summary() + (attempt.note().isEmpty() ? "" : "; " + attempt.note());
        addClientRestarts(request.cluster(), steps);
        steps = withPreflight(steps);
        return new PlanOutcome.Planned(new RecoveryPlan(request.recoveryId(), request.cluster().name(), name,
            reason, request.now(), steps, attempt.leftOut()));
      }
      reasons.add(name + ": " + attempt.note());
    }
    if (reasons.isEmpty()) {
      reasons.add("no recovery strategy is configured");
    }
    return new PlanOutcome.Refused(reasons);
  }

  /**
   * The steps, preceded, when any is destructive, by one preflight per agent the plan acts on: each proves
   * that its executor can carry out the agent's steps and their undo before anything is changed.
   */
  static List<Step> withPreflight(List<Step> steps) {
    if (steps.stream().noneMatch(Step::destructive)) {
      return steps;
    }
    Map<String, List<AgentOperation>> byAgent = new LinkedHashMap<>();
    for (Step step : steps) {
      List<Step> withUndo = new ArrayList<>(List.of(step));
      step.undo().ifPresent(withUndo::add);
      for (Step s : withUndo) {
        List<Step.AgentStep> parts = s instanceof Step.AgentStep a ? List.of(a)
            : s instanceof Step.MultiAgentStep m ? m.parts() : List.of();
        parts.forEach(a -> byAgent.computeIfAbsent(a.server(), n -> new ArrayList<>()).add(a.operation()));
      }
    }
    List<Step> out = new ArrayList<>();
    byAgent.forEach((agent, ops) -> out.add(new Step.Preflight(agent, ops.stream().distinct().toList(),
        Strategy.AGENT_TIMEOUT)));
    out.addAll(steps);
    return out;
  }

  private static void addClientRestarts(ClusterConfig cluster, List<Step> steps) {
    if (!cluster.recovery().restartClients()) {
      return;
    }
    cluster.clients().stream().filter(c -> !(c.executor() instanceof NoExecutorConfig))
        .forEach(c -> steps.add(new RestartClient(c.name(), Strategy.AGENT_TIMEOUT)));
  }

}
