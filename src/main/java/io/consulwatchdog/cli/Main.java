package io.consulwatchdog.cli;

/** Entry point of the consul-watchdog command line. */
public final class Main {
  public static void main(String[] args) {
  }
}
