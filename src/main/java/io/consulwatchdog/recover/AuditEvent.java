package io.consulwatchdog.recover;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.consulwatchdog.plan.RecoveryPlan;
import java.time.Instant;

/**
 * One line of the audit journal; fields that do not apply to the event type are null and not written.
 *
 * @param time when it was written
 * @param recoveryId the recovery it belongs to (empty for acknowledgements without one)
 * @param cluster cluster name
 * @param event one of the {@code AuditEvent.*} type names
 * @param plan for RECOVERY_PLANNED: the whole plan
 * @param dryRun for RECOVERY_PLANNED: true when the plan was only printed
 * @param stepIndex for STEP_*: zero-based index of the step in the plan
 * @param step for STEP_*: the step's one-line description
 * @param destructive for STEP_STARTED: whether the step is destructive
 * @param success for STEP_FINISHED: whether it succeeded
 * @param exitCode for STEP_FINISHED: exit code of the command, -1 if none
 * @param stdout for STEP_FINISHED: standard output, truncated
 * @param stderr for STEP_FINISHED: standard error, truncated
 * @param durationMillis for STEP_FINISHED: how long it took
 * @param error for STEP_FINISHED: why it failed
 * @param outcome for RECOVERY_FINISHED: SUCCEEDED, FAILED or DRY_RUN
 * @param reason for RECOVERY_FINISHED and ACKNOWLEDGED: one sentence
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
    Instant time,
    String recoveryId,
    String cluster,
    String event,
    RecoveryPlan plan,
    Boolean dryRun,
    Integer stepIndex,
    String step,
    Boolean destructive,
    Boolean success,
    Integer exitCode,
    String stdout,
    String stderr,
    Long durationMillis,
    String error,
    String outcome,
    String reason) {

  /** A plan was made (written before anything runs). */
  public static final String RECOVERY_PLANNED = "recovery-planned";
  /** A step is about to run (written before it runs). */
  public static final String STEP_STARTED = "step-started";
  /** A step ended. */
  public static final String STEP_FINISHED = "step-finished";
  /** A recovery ended. */
  public static final String RECOVERY_FINISHED = "recovery-finished";
  /** An operator acknowledged an escalation. */
  public static final String ACKNOWLEDGED = "acknowledged";

  /** Outcome of a recovery whose steps all ran and whose cluster has a leader again. */
  public static final String SUCCEEDED = "SUCCEEDED";
  /** Outcome of a recovery that stopped at a failed step, failed verification, or was abandoned. */
  public static final String FAILED = "FAILED";
  /** Outcome of a plan that was only printed. */
  public static final String DRY_RUN = "DRY_RUN";
}
