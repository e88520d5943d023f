package org.freedesktop.dbus.errors;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * The D-Bus error org.freedesktop.DBus.Error.InteractiveAuthorizationRequired (polkit denied a
 * non-interactive caller); dbus-java maps org.freedesktop.DBus.Error.* replies to classes in this package
 * and ships no class for this one.
 */
public class InteractiveAuthorizationRequired extends DBusExecutionException {
  private static final long serialVersionUID = 1L;

  /** Called by dbus-java with the error's message. */
  public InteractiveAuthorizationRequired(String message) {
    super(message);
  }
}
