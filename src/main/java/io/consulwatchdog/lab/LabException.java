package io.consulwatchdog.lab;

/** A lab cluster could not be started, changed or observed as asked. */
public final class LabException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that says what failed and where to look. */
  public LabException(String message) {
    super(message);
  }

  /** Creates an exception with a message and its cause. */
  public LabException(String message, Throwable cause) {
    super(message, cause);
  }
}
