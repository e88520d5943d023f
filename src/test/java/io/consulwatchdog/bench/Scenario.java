package io.consulwatchdog.bench;

import java.util.List;

/**
 * One way the benchmark breaks a cluster of a given size, or the floor (no watchdog: every server stopped with
 * its data and started again by hand).
 *
 * @param id the name printed and accepted on the command line, e.g. "replace-majority-5"
 * @param breakage what happens to the cluster
 * @param servers servers in the cluster
 */
record Scenario(String id, Breakage breakage, int servers) {

  /** What the scenario does to the cluster. */
  enum Breakage {
    /** A majority of the voters (the leader first) SIGKILLed, data wiped, fresh servers in their place: issue 993. */
    REPLACE_MAJORITY("a majority replaced by fresh servers (peers-json)"),
    /** Every server SIGKILLed after the watchdog saw the cluster healthy; the data stays (restart-down-servers). */
    KILL_ALL("every server killed, data kept (restart-down-servers)"),
    /** The leader and one follower SIGKILLed and left down, data kept (restart-down-servers). */
    KILL_TWO("two of three killed and left down (restart-down-servers)"),
    /** No watchdog: every server SIGKILLed and started again together by hand; Consul's own election cost. */
    FLOOR("floor: every server killed, started again by hand, no watchdog");

    private final String description;

    Breakage(String description) {
      this.description = description;
    }

    /** One line saying what happens. */
    String description() {
      return description;
    }
  }

  /** Every scenario, in the order they run and are reported. */
  static List<Scenario> all() {
    return List.of(
        new Scenario("floor-3", Breakage.FLOOR, 3),
        new Scenario("floor-5", Breakage.FLOOR, 5),
        new Scenario("replace-majority-3", Breakage.REPLACE_MAJORITY, 3),
        new Scenario("replace-majority-5", Breakage.REPLACE_MAJORITY, 5),
        new Scenario("kill-all-3", Breakage.KILL_ALL, 3),
        new Scenario("kill-two-3", Breakage.KILL_TWO, 3));
  }

  /** Whether this is a floor measurement (no watchdog). */
  boolean floor() {
    return breakage == Breakage.FLOOR;
  }

  /** The floor scenario for a cluster of this size. */
  String floorId() {
    return "floor-" + servers;
  }
}
