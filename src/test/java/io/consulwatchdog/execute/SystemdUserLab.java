package io.consulwatchdog.execute;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real {@code systemd --user} manager with its own private D-Bus session bus, for lab tests in a
 * container whose PID 1 is not systemd.
 *
 * <p>What it takes (found by trying): (1) /run/systemd/system must exist, else systemd --user exits with
 * status 1 without a message; (2) a private XDG_RUNTIME_DIR (0700) and XDG_CONFIG_HOME whose systemd/user
 * directory holds the units; (3) the user manager only connects to a session bus (and only then owns
 * org.freedesktop.systemd1 there) when its own dbus.socket and dbus.service units are running: a
 * dbus-daemon started beside it is ignored and method calls fail with "Process org.freedesktop.systemd1
 * exited with status 1". So the bus is a dbus-daemon run by the manager through dbus.socket/dbus.service
 * units written into the private unit directory (no dependency on the dbus-user-session package), listening
 * on $XDG_RUNTIME_DIR/bus. The lab starts both units, waits until org.freedesktop.systemd1 has an owner,
 * and on close stops systemd --user by PID (which stops its units), then the dbus-daemon by PID if left.
 */
public final class SystemdUserLab implements AutoCloseable {
  private static final Path BOOTED_MARKER = Path.of("/run/systemd/system");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  /**
   * Held while a lab runs: /run/systemd/system is shared by the whole machine, so labs in parallel test
   * JVMs take turns (a second one waits, at most LOCK_WAIT).
   */
  private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"), "consul-watchdog-systemd-user-lab.lock");
  private static final Duration LOCK_WAIT = Duration.ofMinutes(5);

  final Path dir;
  final Path runtimeDir;
  final Path unitDir;
  final String busAddress;
  private final boolean createdMarker;
  private final FileChannel lockChannel;
  private Process systemd;
  private long dbusPid = -1;

  private SystemdUserLab(Path dir) throws IOException, InterruptedException {
    this.lockChannel = takeTurn();
    this.dir = dir;
    this.runtimeDir = dir.resolve("run");
    this.unitDir = dir.resolve("config/systemd/user");
    this.busAddress = "unix:path=" + runtimeDir.resolve("bus");
    Files.createDirectories(runtimeDir);
    Files.setPosixFilePermissions(runtimeDir, PosixFilePermissions.fromString("rwx------"));
    Files.createDirectories(unitDir);
    this.createdMarker = !Files.isDirectory(BOOTED_MARKER);
    if (createdMarker) {
      Files.createDirectories(BOOTED_MARKER);
    }
  }

  /** Waits for the machine-wide turn (a lock other test JVMs respect); bounded by LOCK_WAIT. */
  private static FileChannel takeTurn() throws IOException, InterruptedException {
    FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (channel.tryLock() != null) {
        return channel;
      }
      Thread.sleep(250);
    }
    channel.close();
    throw new IllegalStateException("another systemd --user lab held " + LOCK + " for " + LOCK_WAIT);
  }

  /** Starts dbus-daemon and systemd --user; closes what it started when a step fails. */
  public static SystemdUserLab start(Path dir) throws IOException, InterruptedException {
    SystemdUserLab lab = new SystemdUserLab(dir);
    try {
      lab.writeBusUnits();
      lab.startSystemd();
      lab.startBus();
      return lab;
    } catch (IOException | InterruptedException | RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  /** The environment systemctl --user needs to reach this manager. */
  public String[] env() {
    return new String[] {"DBUS_SESSION_BUS_ADDRESS", busAddress, "XDG_RUNTIME_DIR", runtimeDir.toString(),
        "XDG_CONFIG_HOME", dir.resolve("config").toString()};
  }

  /** Runs systemctl --user against this manager and returns its stdout. */
  public String systemctl(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("systemctl", "--user"));
    argv.addAll(List.of(args));
    return LabProcesses.run(argv, Duration.ofSeconds(30), env());
  }

  /** Writes a unit file and makes systemd re-read its units. */
  public void install(String name, String content) throws IOException, InterruptedException {
    Files.writeString(unitDir.resolve(name), content);
    systemctl("daemon-reload");
  }

  private void writeBusUnits() throws IOException {
    Files.writeString(unitDir.resolve("dbus.socket"), String.join("\n",
        "[Unit]",
        "Description=lab D-Bus session bus socket",
        "[Socket]",
        "ListenStream=%t/bus",
        ""));
    Files.writeString(unitDir.resolve("dbus.service"), String.join("\n",
        "[Unit]",
        "Description=lab D-Bus session bus",
        "Requires=dbus.socket",
        "[Service]",
        "ExecStart=/usr/bin/dbus-daemon --session --address=systemd: --nofork --nopidfile --systemd-activation",
        ""));
  }

  private void startBus() throws IOException, InterruptedException {
    systemctl("start", "dbus.socket", "dbus.service");
    dbusPid = Long.parseLong(systemctl("show", "-p", "MainPID", "--value", "dbus.service").strip());
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String owned = "";
    while (System.nanoTime() < deadline) {
      owned = LabProcesses.run(List.of("busctl", "--address=" + busAddress, "call", "org.freedesktop.DBus",
          "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner", "s", "org.freedesktop.systemd1"),
          Duration.ofSeconds(10)).strip();
      if (owned.equals("b true")) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("org.freedesktop.systemd1 has no owner on " + busAddress + ": " + owned);
  }

  private void startSystemd() throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("systemd", "--user")
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("systemd.log").toFile());
    String[] env = env();
    Map<String, String> e = pb.environment();
    for (int i = 0; i < env.length; i += 2) {
      e.put(env[i], env[i + 1]);
    }
    e.put("SYSTEMD_LOG_TARGET", "console");
    systemd = pb.start();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      if (!systemd.isAlive()) {
        throw new IllegalStateException("systemd --user exited with status " + systemd.exitValue() + ": "
            + Files.readString(dir.resolve("systemd.log")));
      }
      try {
        state = systemctl("is-system-running").strip();
      } catch (IllegalStateException notYet) {
        state = notYet.getMessage();
      }
      if (state.equals("running") || state.equals("degraded")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("systemd --user not running after " + START_TIMEOUT + ": " + state);
  }

  @Override
  public void close() throws IOException {
    try {
      LabProcesses.stop(systemd, Duration.ofSeconds(20));
      if (dbusPid > 0) {
        LabProcesses.stop(dbusPid, Duration.ofSeconds(5)); // normally already stopped by systemd
      }
    } finally {
      if (createdMarker) {
        Files.deleteIfExists(BOOTED_MARKER);
      }
      lockChannel.close(); // releases the turn
      for (String log : List.of("systemd.log")) {
        Path p = dir.resolve(log);
        if (Files.exists(p)) {
          System.out.println("--- " + log + " ---");
          System.out.println(Files.readString(p));
        }
      }
    }
  }
}
