package io.consulwatchdog.recover;

import java.time.Duration;

/** Waits between polls; injected so that tests can advance a fake clock instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

  /** Sleeps for the duration; an interruption is passed on as the thread's interrupt flag. */
  void sleep(Duration duration);

  /** The real thing: Thread.sleep. */
  static Sleeper real() {
    return d -> {
      try {
        Thread.sleep(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }
}
