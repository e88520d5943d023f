package io.consulwatchdog.daemon;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's notification protocol (sd_notify(3)) through libsystemd, called with JNA: READY=1, WATCHDOG=1,
 * STATUS=, STOPPING=1, RELOADING=1. The JDK cannot send it itself (no datagram UNIX sockets, no abstract socket
 * names); libsystemd handles the socket kinds, the credentials and the length rules. Outside a Type=notify
 * service (NOTIFY_SOCKET unset) nothing is loaded and every call returns false.
 */
final class SdNotify implements SystemdNotifier.Sink {
  private static final Logger log = LoggerFactory.getLogger(SdNotify.class);

  /** libsystemd.so.0's sd_notify: &gt;0 sent, 0 no NOTIFY_SOCKET, &lt;0 -errno. */
  private interface LibSystemd extends Library {
    int sd_notify(int unsetEnvironment, String state);
  }

  private final LibSystemd lib;

  private SdNotify(LibSystemd lib) {
    this.lib = lib;
  }

  /** The sink for this process: libsystemd when NOTIFY_SOCKET is set and libsystemd loads, else none. */
  static SystemdNotifier.Sink forThisProcess() {
    if (System.getenv("NOTIFY_SOCKET") == null) {
      return SystemdNotifier.Sink.NONE;
    }
    try {
      return new SdNotify(Native.load("systemd", LibSystemd.class));
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      log.warn("NOTIFY_SOCKET is set but libsystemd cannot be loaded ({}): readiness and the watchdog ping are not "
          + "reported to systemd, and a Type=notify unit will time out", e.getMessage());
      return SystemdNotifier.Sink.NONE;
    }
  }

  @Override
  public boolean send(String state) {
    int sent = lib.sd_notify(0, state);
    if (sent < 0) {
      log.warn("sd_notify failed: errno {}", -sent);
    }
    return sent > 0;
  }

  @Override
  public long watchdogMicros() {
    String usec = System.getenv("WATCHDOG_USEC");
    String pid = System.getenv("WATCHDOG_PID");
    if (usec == null || (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid())))) {
      return 0;
    }
    try {
      return Long.parseLong(usec);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
