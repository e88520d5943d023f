package org.freedesktop.systemd1;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * The D-Bus error org.freedesktop.systemd1.UnitMasked; dbus-java maps an error reply to the class of the same
 * name, which is how the executor tells this error apart.
 */
public class UnitMasked extends DBusExecutionException {
  private static final long serialVersionUID = 1L;

  /** Called by dbus-java with the error's message. */
  public UnitMasked(String message) {
    super(message);
  }
}
