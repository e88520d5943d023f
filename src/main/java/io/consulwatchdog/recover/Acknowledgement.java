package io.consulwatchdog.recover;

import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import java.nio.file.Path;
import java.time.Clock;

/**
 * An operator's acknowledgement of an ESCALATED cluster: the escalation is cleared in its state.json and the
 * acknowledgement journaled. A running loop adopts the new state at its next poll. Used by `consul-watchdog
 * ack` when no daemon runs, and by the daemon's control API (which holds the cluster's loop meanwhile).
 */
public final class Acknowledgement {
  private Acknowledgement() {}

  /**
   * What an acknowledgement did.
   *
   * @param acknowledged false when the cluster was not ESCALATED (nothing changed)
   * @param after the recovery status saved (the one found when nothing changed)
   * @param message one line for the operator
   */
  public record Outcome(boolean acknowledged, RecoveryStatus after, String message) {}

  /** Acknowledges a cluster's escalation, if it is escalated; owner and note go into the journal. */
  public static Outcome acknowledge(Path stateDir, String cluster, String owner, String note, Clock clock) {
    RecoveryStatusStore store = new RecoveryStatusStore(stateDir);
    RecoveryStatus state = store.loadOrInitial(cluster, clock.instant());
    if (state.state() != RecoveryState.ESCALATED) {
      return new Outcome(false, state, "cluster " + cluster + " is " + state.state()
          + ", not ESCALATED: nothing to acknowledge");
    }
    RecoveryStatus acked = state.acknowledged(clock.instant());
    String reason = "escalation acknowledged by " + owner + (note == null || note.isBlank() ? "" : ": " + note);
    new AuditJournal(stateDir, cluster, clock).acknowledged(state.recoveryId().orElse(""), reason);
    store.save(acked);
    return new Outcome(true, acked, "cluster " + cluster + ": ESCALATED -> " + acked.state() + " (" + reason
        + "); " + state.recentFailures().size() + " recent failures cleared; automatic recovery may resume");
  }
}
