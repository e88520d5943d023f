package io.consulwatchdog.demo;

import java.util.Arrays;
import java.util.Optional;

/** The ways the demo can break its cluster, and what the watchdog is expected to do about each. */
public enum DemoScenario {
  /** Issue 993 today: two of three servers replaced by fresh ones; only peers.json heals it. */
  REPLACE_TWO("replace-two", "two of three servers replaced by fresh ones (the stuck state of issue 993)"),
  /** Two of three servers crash but keep their data; restarting them heals it. */
  KILL_TWO("kill-two", "two of three servers crash (SIGKILL), their data kept"),
  /** The leader crashes; the other two elect a new one and the watchdog must do nothing. */
  LEADER_KILL("leader-kill", "the leader crashes; a normal election follows"),
  /** The stuck state again, in dry-run mode: the plan is printed and the cluster left broken. */
  DRY_RUN("dry-run", "the stuck state of issue 993, watched in dry-run mode");

  private final String id;
  private final String description;

  DemoScenario(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The name used on the command line. */
  public String id() {
    return id;
  }

  /** One line saying what happens to the cluster. */
  public String description() {
    return description;
  }

  /** Finds a scenario by its command-line name. */
  public static Optional<DemoScenario> byId(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
  }
}
