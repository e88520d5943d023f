package io.consulwatchdog.plan;

import io.consulwatchdog.diagnose.Verdict;
import java.time.Duration;

/** One way to heal a leaderless cluster: which diagnoses it cures, and the plan it makes for one. Pure. */
public interface Strategy {
  /** Time allowed for one stop, start or restart. */
  Duration AGENT_TIMEOUT = Duration.ofSeconds(60);
  /** Time allowed to copy a raft directory. */
  Duration BACKUP_TIMEOUT = Duration.ofSeconds(300);

  /** The strategy's name, as in recovery.strategies. */
  String name();

  /** Whether this strategy cures the verdict's cause; when not, why. */
  Fit fits(Verdict verdict);

  /** The steps for a request whose verdict this strategy fits, or the guard that refuses it. */
  Attempt plan(PlanRequest request);

  /**
   * Whether a strategy fits a diagnosis.
   *
   * @param fits true when it cures this cause
   * @param why when it does not, one sentence saying why
   */
  record Fit(boolean fits, String why) {
    /** It fits. */
    public static Fit yes() {
      return new Fit(true, "");
    }

    /** It does not fit, for this reason. */
    public static Fit no(String why) {
      return new Fit(false, why);
    }
  }
}
