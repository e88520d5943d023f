package io.consulwatchdog.cli;

/** A main that only prints its arguments: the launcher's class-data-sharing test runs it in a tiny jar. */
public final class CdsProbeMain {
  private CdsProbeMain() {}

  /** Prints "probe" and the arguments. */
  public static void main(String[] args) {
    System.out.println("probe " + String.join(" ", args));
  }
}
