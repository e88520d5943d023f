package io.consulwatchdog.plan;

import java.util.List;
import java.util.Optional;

/**
 * One strategy's answer to a request: steps and a note, or no steps and the reason.
 *
 * @param steps the plan's steps, when the strategy plans
 * @param note what the plan does in one line, or why the strategy refused
 * @param leftOut the voters the plan leaves out of the raft configuration
 */
public record Attempt(Optional<List<Step>> steps, String note, List<LeftOutVoter> leftOut) {

  public Attempt {
    leftOut = List.copyOf(leftOut);
  }

  /** A plan with its one-line note. */
  public static Attempt plan(List<Step> steps, String note) {
    return new Attempt(Optional.of(List.copyOf(steps)), note, List.of());
  }

  /** A plan that leaves these voters out of the raft configuration. */
  public static Attempt plan(List<Step> steps, String note, List<LeftOutVoter> leftOut) {
    return new Attempt(Optional.of(List.copyOf(steps)), note, leftOut);
  }

  /** A refusal with its reason. */
  public static Attempt refuse(String reason) {
    return new Attempt(Optional.empty(), reason, List.of());
  }
}
