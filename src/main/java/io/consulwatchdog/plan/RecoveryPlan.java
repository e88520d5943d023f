package io.consulwatchdog.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.consulwatchdog.json.JsonMapper;
import java.time.Instant;
import java.util.List;

/**
 * A recovery as data: the steps that will run, in order. Dry-run prints this very object.
 *
 * @param id recovery id, also used in backup directory names
 * @param cluster cluster name
 * @param strategy the strategy that produced it
 * @param reason why this plan: the verdict and the strategy's notes
 * @param createdAt when it was planned
 * @param steps the steps, run one at a time in this order
 * @param leftOut the voters an outage recovery leaves out, with why each is gone (empty for other plans)
 */
public record RecoveryPlan(String id, String cluster, String strategy, String reason, Instant createdAt,
    List<Step> steps, List<LeftOutVoter> leftOut) {

  public RecoveryPlan {
    steps = List.copyOf(steps);
    leftOut = leftOut == null ? List.of() : List.copyOf(leftOut);
  }

  /** A plan that leaves no voter out. */
  public RecoveryPlan(String id, String cluster, String strategy, String reason, Instant createdAt, List<Step> steps) {
    this(id, cluster, strategy, reason, createdAt, steps, List.of());
  }

  /** A readable multi-line rendering: a header and one numbered line per step. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("recovery ").append(id).append(" for cluster ").append(cluster)
        .append(" (strategy ").append(strategy).append(", planned ").append(createdAt).append(")\n");
    sb.append("  why: ").append(reason).append('\n');
    for (LeftOutVoter v : leftOut) {
      sb.append("  left out: ").append(v.node().isEmpty() ? "" : v.node() + " ").append(v.nodeId()).append(" at ")
          .append(v.address()).append(", last log index seen ")
          .append(v.lastKnownLogIndex() < 0 ? "unknown" : Long.toString(v.lastKnownLogIndex())).append(": ")
          .append(v.why()).append('\n');
    }
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      String marks = step.destructive() ? "destructive" : "";
      if (step.undo().isPresent()) {
        marks += (marks.isEmpty() ? "" : "; ") + "undo: " + step.undo().get().describe();
      }
      sb.append(String.format("  %2d. %s%s%n", i + 1, step.describe(), marks.isEmpty() ? "" : "  [" + marks + "]"));
    }
    return sb.toString();
  }

  /** The plan as one line of JSON. */
  public String toJson() {
    try {
      return JsonMapper.compact().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise plan " + id, e);
    }
  }

  /** Reads a plan written by {@link #toJson}. */
  public static RecoveryPlan fromJson(String json) {
    try {
      return JsonMapper.compact().readValue(json, RecoveryPlan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a recovery plan: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return render();
  }
}
