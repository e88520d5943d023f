package io.consulwatchdog.execute;

import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.freedesktop.dbus.messages.DBusSignal;
import org.freedesktop.dbus.types.UInt32;

/** The part of systemd's org.freedesktop.systemd1.Manager D-Bus interface the executor uses. */
@DBusInterfaceName("org.freedesktop.systemd1.Manager")
public interface SystemdManager extends DBusInterface {
  /** Bus name of the systemd manager. */
  String BUS_NAME = "org.freedesktop.systemd1";
  /** Object path of the systemd manager. */
  String OBJECT_PATH = "/org/freedesktop/systemd1";

  /** Queues a start job for the unit and returns the job's object path. */
  DBusPath StartUnit(String name, String mode);

  /** Queues a stop job for the unit and returns the job's object path. */
  DBusPath StopUnit(String name, String mode);

  /** Queues a restart job for the unit and returns the job's object path. */
  DBusPath RestartUnit(String name, String mode);

  /** Loads a unit (from its unit file, if not loaded yet) and returns its path; LoadState tells whether it exists. */
  DBusPath LoadUnit(String name);

  /** Returns the object path of a loaded unit; fails with NoSuchUnit when it is not loaded. */
  DBusPath GetUnit(String name);

  /** Asks systemd to send its signals (JobRemoved and others) to this client. */
  void Subscribe();

  /** Sent when a job finished; result is done, canceled, timeout, failed, dependency or skipped. */
  class JobRemoved extends DBusSignal {
    private final long id;
    private final String job;
    private final String unit;
    private final String result;

    /** Called by dbus-java with the signal's arguments. */
    public JobRemoved(String path, UInt32 id, DBusPath job, String unit, String result) throws DBusException {
      super(path, id, job, unit, result);
      this.id = id.longValue();
      this.job = job.getPath();
      this.unit = unit;
      this.result = result;
    }

    /** The numeric job id. */
    public long id() {
      return id;
    }

    /** The job's object path, as returned by StartUnit and friends. */
    public String job() {
      return job;
    }

    /** The unit the job was for. */
    public String unit() {
      return unit;
    }

    /** How the job ended. */
    public String result() {
      return result;
    }
  }
}
