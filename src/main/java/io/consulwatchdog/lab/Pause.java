package io.consulwatchdog.lab;

/** Sleeps between the lab's bounded polls; an interrupt ends the lab operation. */
final class Pause {
  private Pause() {}

  /** Sleeps that many milliseconds, or throws a LabException (interrupt flag kept) when interrupted. */
  static void millis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }
}
