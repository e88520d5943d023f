package io.consulwatchdog.execute;

import io.consulwatchdog.config.SystemdExecutorConfig;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.freedesktop.dbus.DBusPath;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.errors.AccessDenied;
import org.freedesktop.dbus.errors.InteractiveAuthorizationRequired;
import org.freedesktop.dbus.errors.NoReply;
import org.freedesktop.dbus.errors.ServiceUnknown;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.Properties;
import org.freedesktop.systemd1.NoSuchUnit;
import org.freedesktop.systemd1.UnitMasked;

/**
 * Controls a systemd unit on the watchdog's host through systemd's D-Bus API: StartUnit, StopUnit or
 * RestartUnit(unit, "replace") on org.freedesktop.systemd1.Manager, then waits for the job's JobRemoved
 * signal and reads the unit's ActiveState. File operations run locally through {@link LocalFiles}.
 *
 * <p>CheckReady checks that the bus answers and the unit exists (LoadUnit, LoadState=loaded, CanStart,
 * CanStop); permission cannot be checked without acting: polkit decides when a job is queued.
 *
 * <p>Each operation opens its own bus connection and closes it afterwards, so a restarted bus or
 * systemd never leaves a stale connection behind. A job still running at the timeout is left to systemd.
 */
public final class SystemdDbusExecutor implements AgentExecutor {
  private static final String MODE = "replace";
  private static final String SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket";
  private static final String UNIT_INTERFACE = "org.freedesktop.systemd1.Unit";
  private static final String SERVICE_INTERFACE = "org.freedesktop.systemd1.Service";
  private static final String NOT_CHECKABLE = "polkit or the D-Bus policy decides only when a job is queued, so"
      + " whether this caller may do it cannot be checked without acting";

  private final SystemdExecutorConfig config;
  private final Map<String, String> environment;

  /** Creates an executor for the configured unit and bus, reading bus addresses from the environment. */
  public SystemdDbusExecutor(SystemdExecutorConfig config) {
    this(config, System.getenv());
  }

  /** Creates an executor that resolves the "user" bus from the given environment variables. */
  public SystemdDbusExecutor(SystemdExecutorConfig config, Map<String, String> environment) {
    this.config = config;
    this.environment = Map.copyOf(environment);
  }

  /**
   * The D-Bus address used: system: DBUS_SYSTEM_BUS_ADDRESS or {@value #SYSTEM_BUS}; user:
   * DBUS_SESSION_BUS_ADDRESS or $XDG_RUNTIME_DIR/bus; address: the configured one.
   */
  Optional<String> busAddress() {
    return switch (config.bus()) {
      case "system" -> Optional.of(Optional.ofNullable(environment.get("DBUS_SYSTEM_BUS_ADDRESS"))
          .filter(a -> !a.isBlank()).orElse(SYSTEM_BUS));
      case "user" -> Optional.of(Optional.ofNullable(environment.get("DBUS_SESSION_BUS_ADDRESS"))
          .filter(a -> !a.isBlank())
          .orElseGet(() -> "unix:path=" + environment.getOrDefault("XDG_RUNTIME_DIR",
              "/run/user/" + uid()) + "/bus"));
      case "address" -> config.address();
      default -> Optional.empty();
    };
  }

  private String busName() {
    return config.bus() + " bus" + busAddress().map(a -> " " + a).orElse("");
  }

  @Override
  public ExecutionResult run(AgentOperation operation, Duration timeout) {
    return new LocalFileOperations() {
      @Override
      public ExecutionResult stop() {
        return job("stop", (m, u) -> m.StopUnit(u, MODE), timeout);
      }

      @Override
      public ExecutionResult start() {
        return job("start", (m, u) -> m.StartUnit(u, MODE), timeout);
      }

      @Override
      public ExecutionResult restart() {
        return job("restart", (m, u) -> m.RestartUnit(u, MODE), timeout);
      }

      @Override
      void checkAgent(Readiness readiness, List<AgentOperation> operations) {
        boolean stops = operations.stream().anyMatch(o -> o instanceof Stop || o instanceof Restart);
        boolean starts = operations.stream().anyMatch(o -> o instanceof Start || o instanceof Restart);
        if (stops || starts) {
          checkUnit(readiness, stops, starts);
        }
      }
    }.visit(operation);
  }

  @Override
  public String describe(AgentOperation operation) {
    String onBus = "systemd over D-Bus (" + busName() + "): ";
    String described = new LocalFileOperations.Described() {
      @Override
      public String stop() {
        return onBus + call("StopUnit");
      }

      @Override
      public String start() {
        return onBus + call("StartUnit");
      }

      @Override
      public String restart() {
        return onBus + call("RestartUnit");
      }

      @Override
      String agentChecks() {
        return "for stop/start/restart: the " + busName() + " is reachable, " + SystemdManager.BUS_NAME
            + " LoadUnit(\"" + config.unit() + "\") has LoadState=loaded and CanStart/CanStop are true ("
            + NOT_CHECKABLE + ")";
      }
    }.visit(operation);
    return described.startsWith(onBus) ? described : "local: " + described;
  }

  /**
   * CheckReady for the unit, changing nothing: the bus answers, LoadUnit finds the unit file (LoadUnit
   * loads it into systemd's memory if it was not, like `systemctl status` does), and the unit may be
   * started or stopped at all (CanStart, CanStop). Whether polkit allows this caller cannot be asked here.
   */
  private void checkUnit(Readiness readiness, boolean stops, boolean starts) {
    String unit = config.unit();
    String reachable = "the " + busName() + " is reachable";
    DBusConnection connection;
    try {
      connection = connect();
    } catch (DBusException | RuntimeException e) {
      readiness.fail(reachable, SshClientPool.cause(e));
      return;
    }
    readiness.pass(reachable);
    String loaded = "unit " + unit + " exists (LoadUnit: LoadState=loaded)";
    try (connection) {
      SystemdManager manager = connection.getRemoteObject(SystemdManager.BUS_NAME, SystemdManager.OBJECT_PATH,
          SystemdManager.class);
      Properties props = connection.getRemoteObject(SystemdManager.BUS_NAME, manager.LoadUnit(unit).getPath(),
          Properties.class);
      String loadState = props.Get(UNIT_INTERFACE, "LoadState");
      readiness.check(loaded, loadState.equals("loaded"), "LoadState=" + loadState
          + (loadState.equals("not-found") ? " (no such unit file)" : ""));
      if (loadState.equals("loaded")) {
        if (starts) {
          Boolean canStart = props.Get(UNIT_INTERFACE, "CanStart");
          readiness.check("unit " + unit + " can be started (CanStart)", canStart, "CanStart=false");
        }
        if (stops) {
          Boolean canStop = props.Get(UNIT_INTERFACE, "CanStop");
          readiness.check("unit " + unit + " can be stopped (CanStop)", canStop, "CanStop=false");
        }
      }
      readiness.cannotCheck("permission to start, stop or restart " + unit + ": " + NOT_CHECKABLE);
    } catch (DBusExecutionException e) {
      readiness.fail(loaded, dbusError("load", e));
    } catch (Exception e) {
      readiness.fail(loaded, "over D-Bus " + busName() + ": " + SshClientPool.cause(e));
    }
  }

  private String call(String method) {
    return SystemdManager.BUS_NAME + " " + SystemdManager.OBJECT_PATH + " org.freedesktop.systemd1.Manager." + method
        + "(\"" + config.unit() + "\", \"" + MODE + "\"), wait for its JobRemoved signal, then read "
        + UNIT_INTERFACE + ".ActiveState of " + config.unit();
  }

  private ExecutionResult job(String verb, BiFunction<SystemdManager, String, DBusPath> queue, Duration timeout) {
    long started = System.nanoTime();
    String unit = config.unit();
    DBusConnection connection;
    try {
      connection = connect();
    } catch (DBusException | RuntimeException e) {
      return ExecutionResult.failed("D-Bus " + busName() + " unreachable: " + SshClientPool.cause(e),
          Timing.since(started));
    }
    try (connection) {
      Map<String, String> finished = new ConcurrentHashMap<>();
      Object lock = new Object();
      try (AutoCloseable handler = connection.addSigHandler(SystemdManager.JobRemoved.class, s -> {
        synchronized (lock) {
          finished.put(s.job(), s.result());
          lock.notifyAll();
        }
      })) {
        SystemdManager manager = connection.getRemoteObject(SystemdManager.BUS_NAME, SystemdManager.OBJECT_PATH,
            SystemdManager.class);
        manager.Subscribe();
        String job = queue.apply(manager, unit).getPath();
        String result = await(lock, finished, job, timeout.minus(Timing.since(started)));
        UnitState state = state(connection, manager, unit);
        Duration took = Timing.since(started);
        String summary = verb + " " + unit + ": job " + (result == null ? "still running" : result) + ", "
            + state.describe();
        if (result == null) {
          return new ExecutionResult(false, -1, summary + "\n", "", took, verb + " " + unit + ": job " + job
              + " did not finish within " + Timing.human(timeout) + " (left to systemd); unit is " + state.describe());
        }
        if (!result.equals("done")) {
          return new ExecutionResult(false, -1, summary + "\n", "", took, verb + " " + unit + " failed: job result '"
              + result + "', unit is " + state.describe());
        }
        boolean wanted = verb.equals("stop") ? state.isStopped() : state.isActive();
        if (!wanted) {
          return new ExecutionResult(false, -1, summary + "\n", "", took, verb + " " + unit
              + ": job done but unit is " + state.describe());
        }
        return ExecutionResult.ok(summary + "\n", "", took);
      }
    } catch (DBusExecutionException e) {
      return ExecutionResult.failed(dbusError(verb, e), Timing.since(started));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExecutionResult.failed(verb + " " + unit + ": interrupted", Timing.since(started));
    } catch (Exception e) {
      return ExecutionResult.failed(verb + " " + unit + " over D-Bus " + busName() + ": " + SshClientPool.cause(e),
          Timing.since(started));
    }
  }

  private DBusConnection connect() throws DBusException {
    Optional<String> address = busAddress();
    DBusConnectionBuilder builder = address.isPresent()
        ? DBusConnectionBuilder.forAddress(address.get())
        : DBusConnectionBuilder.forSystemBus();
    return builder.withShared(false).build();
  }

  private static String await(Object lock, Map<String, String> finished, String job, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    synchronized (lock) {
      while (!finished.containsKey(job)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return finished.get(job);
    }
  }

  private static UnitState state(DBusConnection connection, SystemdManager manager, String unit) throws DBusException {
    DBusPath path;
    try {
      path = manager.GetUnit(unit);
    } catch (DBusExecutionException e) {
      if (e instanceof NoSuchUnit) {
        return new UnitState("inactive", "dead", "", false); // stopped and unloaded by systemd's garbage collection
      }
      throw e;
    }
    Properties props = connection.getRemoteObject(SystemdManager.BUS_NAME, path.getPath(), Properties.class);
    String active = props.Get(UNIT_INTERFACE, "ActiveState");
    String sub = props.Get(UNIT_INTERFACE, "SubState");
    String result = "";
    if (unit.endsWith(".service")) {
      try {
        result = props.Get(SERVICE_INTERFACE, "Result");
      } catch (DBusExecutionException e) {
        result = "";
      }
    }
    return new UnitState(active, sub, result, true);
  }

  private String dbusError(String verb, DBusExecutionException e) {
    String name = errorName(e);
    String unit = config.unit();
    String detail = Timing.oneLine(e.getMessage());
    String cause = "(" + (name.isEmpty() ? "" : name + ": ") + detail + ")";
    if (e instanceof NoSuchUnit) {
      return verb + " " + unit + ": unit not found " + cause;
    }
    if (e instanceof UnitMasked) {
      return verb + " " + unit + ": unit is masked " + cause;
    }
    if (e instanceof AccessDenied || e instanceof InteractiveAuthorizationRequired) {
      return verb + " " + unit + ": access denied by polkit or the D-Bus policy " + cause
          + "; see systemd/polkit/50-consul-watchdog.rules";
    }
    if (e instanceof ServiceUnknown || e instanceof NoReply) {
      return verb + " " + unit + ": systemd is not answering on the " + busName() + " " + cause;
    }
    return verb + " " + unit + ": D-Bus error " + cause;
  }

  /** The D-Bus error name of a mapped exception class, or "" for dbus-java's generic exception. */
  private static String errorName(DBusExecutionException e) {
    String cls = e.getClass().getName();
    if (e.getClass() == DBusExecutionException.class) {
      return "";
    }
    return cls.startsWith("org.freedesktop.dbus.errors.")
        ? "org.freedesktop.DBus.Error." + e.getClass().getSimpleName()
        : cls;
  }

  private static String uid() {
    try {
      return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | RuntimeException e) {
      return "0";
    }
  }

  /** A unit's ActiveState, SubState and (for services) Result. */
  private record UnitState(String active, String sub, String result, boolean loaded) {
    boolean isActive() {
      return active.equals("active") || active.equals("reloading");
    }

    boolean isStopped() {
      return active.equals("inactive") || active.equals("failed");
    }

    String describe() {
      return "ActiveState=" + active + " SubState=" + sub + (result.isEmpty() ? "" : " Result=" + result)
          + (loaded ? "" : " (unloaded)");
    }
  }
}
