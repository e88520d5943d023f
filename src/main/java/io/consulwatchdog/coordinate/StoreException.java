package io.consulwatchdog.coordinate;

/** The coordination store could not answer (unreachable, no leader, an error status): who may act is unknown. */
public final class StoreException extends Exception {
  /** An exception with one sentence saying what failed. */
  public StoreException(String message) {
    super(message);
  }
}
