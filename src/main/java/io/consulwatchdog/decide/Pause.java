package io.consulwatchdog.decide;

import java.time.Instant;

/**
 * An operator's pause of one cluster (`consul-watchdog pause`): while it lasts the cluster only plans, never
 * acts. Every pause has an end.
 *
 * @param owner who paused it (the operating-system user of the command)
 * @param reason why, as the operator wrote it
 * @param since when it was paused
 * @param until when it ends by itself
 */
public record Pause(String owner, String reason, Instant since, Instant until) {

  /** True while the pause lasts: from its start until (excluded) its end. */
  public boolean activeAt(Instant now) {
    return now.isBefore(until);
  }

  /** One line for logs and status: who, until when, why. */
  public String describe() {
    return "paused by " + owner + " until " + until + ": " + reason;
  }
}
