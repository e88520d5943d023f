package io.consulwatchdog.config;

import java.time.Duration;
import java.util.List;

/**
 * When and how the watchdog may heal a cluster.
 *
 * @param mode detect-only (never act), dry-run (plan and log, never act) or auto
 * @param strategies strategies in the order they are tried: restart-down-servers, peers-json, bootstrap-expect
 * @param leaderlessAfter how long without a leader before an election counts as stuck
 * @param confirmPolls consecutive bad polls needed before acting
 * @param confirmWindow how long the cluster must stay bad before acting
 * @param cooldown quiet time after a recovery before another may start
 * @param maxFailures failed recoveries within failureWindow that escalate to an operator
 * @param failureWindow the window for maxFailures
 * @param settleTimeout how long to wait for a leader after a step
 * @param restartClients restart the client agents after a successful server recovery
 * @param undoOnFailure when a recovery fails or is interrupted, undo its destructive steps (start what it
 *     stopped, remove the peers.json it wrote); on by default
 */
public record RecoveryConfig(
    RecoveryMode mode,
    List<String> strategies,
    Duration leaderlessAfter,
    int confirmPolls,
    Duration confirmWindow,
    Duration cooldown,
    int maxFailures,
    Duration failureWindow,
    Duration settleTimeout,
    boolean restartClients,
    boolean undoOnFailure) {

  public RecoveryConfig {
    strategies = List.copyOf(strategies);
  }

  /** Settings that undo a failed recovery (the default). */
  public RecoveryConfig(RecoveryMode mode, List<String> strategies, Duration leaderlessAfter, int confirmPolls,
      Duration confirmWindow, Duration cooldown, int maxFailures, Duration failureWindow, Duration settleTimeout,
      boolean restartClients) {
    this(mode, strategies, leaderlessAfter, confirmPolls, confirmWindow, cooldown, maxFailures, failureWindow,
        settleTimeout, restartClients, true);
  }

  /** The same settings with another mode. */
  public RecoveryConfig withMode(RecoveryMode newMode) {
    return new RecoveryConfig(newMode, strategies, leaderlessAfter, confirmPolls, confirmWindow, cooldown,
        maxFailures, failureWindow, settleTimeout, restartClients, undoOnFailure);
  }

  /** The same settings with undo on failure switched on or off. */
  public RecoveryConfig withUndoOnFailure(boolean undo) {
    return new RecoveryConfig(mode, strategies, leaderlessAfter, confirmPolls, confirmWindow, cooldown,
        maxFailures, failureWindow, settleTimeout, restartClients, undo);
  }

  /** Production defaults: detect-only, restart-down-servers first, 30 s to call an election stuck. */
  public static RecoveryConfig defaults() {
    return new RecoveryConfig(
        RecoveryMode.DETECT_ONLY,
        List.of("restart-down-servers"),
        Duration.ofSeconds(30),
        3,
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        3,
        Duration.ofHours(1),
        Duration.ofSeconds(60),
        false,
        true);
  }
}
