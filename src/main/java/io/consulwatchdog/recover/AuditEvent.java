package io.consulwatchdog.recover;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.consulwatchdog.plan.RecoveryPlan;
import java.time.Instant;

/**
 * One line of the audit journal: one record type per kind of event, written as JSON with its kind in the
 * "event" field.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(AuditEvent.RecoveryPlanned.class),
    @JsonSubTypes.Type(AuditEvent.StepStarted.class),
    @JsonSubTypes.Type(AuditEvent.StepFinished.class),
    @JsonSubTypes.Type(AuditEvent.RecoveryFinished.class),
    @JsonSubTypes.Type(AuditEvent.Acknowledged.class),
    @JsonSubTypes.Type(AuditEvent.VoterRetired.class),
    @JsonSubTypes.Type(AuditEvent.UndoStarted.class),
    @JsonSubTypes.Type(AuditEvent.UndoFinished.class)
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface AuditEvent {
  /** A plan was made (written before anything runs). */
  String RECOVERY_PLANNED = "recovery-planned";
  /** A step is about to run (written before it runs). */
  String STEP_STARTED = "step-started";
  /** A step ended. */
  String STEP_FINISHED = "step-finished";
  /** A recovery ended. */
  String RECOVERY_FINISHED = "recovery-finished";
  /** The undo of a destructive step is about to run (written before it runs). */
  String UNDO_STARTED = "undo-started";
  /** The undo of a destructive step ended. */
  String UNDO_FINISHED = "undo-finished";
  /** An operator acknowledged an escalation. */
  String ACKNOWLEDGED = "acknowledged";
  /** An operator declared a voter gone for good. */
  String VOTER_RETIRED = "voter-retired";

  /** Outcome of a recovery whose steps all ran and whose cluster has a leader again. */
  String SUCCEEDED = "SUCCEEDED";
  /** Outcome of a recovery that stopped at a failed step, failed verification, or was abandoned. */
  String FAILED = "FAILED";
  /** Outcome of a plan that was only logged. */
  String DRY_RUN = "DRY_RUN";

  /** When it was written. */
  Instant time();

  /** The recovery it belongs to (empty for an acknowledgement without one). */
  String recoveryId();

  /** The cluster's name. */
  String cluster();

  /** The kind of event, as written in the "event" field. */
  @JsonIgnore
  default String event() {
    return getClass().getAnnotation(JsonTypeName.class).value();
  }

  /**
   * A whole plan, before any of it runs (or instead of running it, when the mode only plans).
   *
   * @param plan the plan
   * @param dryRun true when the plan was only logged
   */
  @JsonTypeName(RECOVERY_PLANNED)
  record RecoveryPlanned(Instant time, String recoveryId, String cluster, RecoveryPlan plan, boolean dryRun)
      implements AuditEvent {}

  /**
   * A step is about to run; on disk before it runs.
   *
   * @param stepIndex zero-based index of the step in the plan
   * @param step the step's one-line description
   * @param destructive whether the step is destructive
   * @param fencingToken the coordination lock's fencing token the step ran under; null without coordination
   */
  @JsonTypeName(STEP_STARTED)
  record StepStarted(Instant time, String recoveryId, String cluster, int stepIndex, String step,
      boolean destructive, Long fencingToken) implements AuditEvent {}

  /**
   * How a step ended.
   *
   * @param stepIndex zero-based index of the step in the plan
   * @param step the step's one-line description
   * @param success whether it succeeded
   * @param exitCode exit code of the command, -1 if none
   * @param stdout standard output, truncated; null when empty
   * @param stderr standard error, truncated; null when empty
   * @param durationMillis how long it took
   * @param error why it failed; null when it did not
   */
  @JsonTypeName(STEP_FINISHED)
  record StepFinished(Instant time, String recoveryId, String cluster, int stepIndex, String step, boolean success,
      int exitCode, String stdout, String stderr, long durationMillis, String error) implements AuditEvent {
    /** The same event without its output (the copy shared through the coordination store). */
    public StepFinished withoutOutput() {
      return new StepFinished(time, recoveryId, cluster, stepIndex, step, success, exitCode, null, null,
          durationMillis, error);
    }
  }

  /**
   * The end of a recovery.
   *
   * @param outcome SUCCEEDED, FAILED or DRY_RUN
   * @param reason one sentence
   */
  @JsonTypeName(RECOVERY_FINISHED)
  record RecoveryFinished(Instant time, String recoveryId, String cluster, String outcome, String reason)
      implements AuditEvent {}

  /**
   * An operator acknowledged an escalation.
   *
   * @param reason who, and their note
   */
  @JsonTypeName(ACKNOWLEDGED)
  record Acknowledged(Instant time, String recoveryId, String cluster, String reason) implements AuditEvent {}

  /**
   * An operator declared a voter gone for good (consul-watchdog retire): an outage recovery may leave it out.
   *
   * @param nodeId the retired node ID
   * @param node its name, if known
   * @param reason who, and their note
   */
  @JsonTypeName(VOTER_RETIRED)
  record VoterRetired(Instant time, String recoveryId, String cluster, String nodeId, String node, String reason)
      implements AuditEvent {}

  /**
   * The undo of a destructive step is about to run; on disk before it runs.
   *
   * @param stepIndex zero-based index of the step being undone
   * @param undo the undo's one-line description
   */
  @JsonTypeName(UNDO_STARTED)
  record UndoStarted(Instant time, String recoveryId, String cluster, int stepIndex, String undo)
      implements AuditEvent {}

  /**
   * How the undo of a destructive step ended.
   *
   * @param stepIndex zero-based index of the step undone
   * @param undo the undo's one-line description
   * @param success whether it succeeded
   * @param error why it failed; null when it did not
   */
  @JsonTypeName(UNDO_FINISHED)
  record UndoFinished(Instant time, String recoveryId, String cluster, int stepIndex, String undo, boolean success,
      String error) implements AuditEvent {}
}
