package io.consulwatchdog.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every Consul pid a lab started, remembered with its data dir, and how they are killed: by pid, never by name. */
final class ServerProcesses {
  private static final Logger LOG = LoggerFactory.getLogger(ServerProcesses.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration REAP_WAIT = Duration.ofSeconds(15);

  private final String lab;
  private final Map<Long, Path> started = new LinkedHashMap<>();

  /** Tracks the processes of the lab with that name (used in log lines). */
  ServerProcesses(String lab) {
    this.lab = lab;
  }

  /** Records the pid ctl.sh just wrote for the server; throws if it wrote none. */
  synchronized void track(LabServer server, String ctlOutput) {
    OptionalLong pid = server.pid();
    if (pid.isEmpty()) {
      throw new LabException("ctl.sh of " + server + " wrote no pid: " + ctlOutput);
    }
    started.putIfAbsent(pid.getAsLong(), server.dataDir());
    LOG.info("lab {}: {} at {} running, pid {} ({})", lab, server.name(), server.address(), pid.getAsLong(),
        ctlOutput);
  }

  /** Every pid recorded so far, including processes that exited since. */
  synchronized List<Long> startedPids() {
    return List.copyOf(started.keySet());
  }

  /** SIGKILLs the server's process (no leave, no cleanup) and waits until it is gone. */
  void kill(LabServer server) {
    OptionalLong pid = server.pid();
    if (pid.isEmpty() || !server.running()) {
      LOG.info("lab {}: {} is not running, nothing to kill", lab, server);
      return;
    }
    ProcessTable.killIfConsulOf(pid.getAsLong(), server.dataDir());
    if (!ProcessTable.awaitNotLive(pid.getAsLong(), KILL_WAIT)) {
      throw new LabException("pid " + pid.getAsLong() + " of " + server + " survived SIGKILL for " + KILL_WAIT);
    }
    LOG.info("lab {}: killed {} (pid {})", lab, server, pid.getAsLong());
  }

  /**
   * SIGKILLs every recorded pid and the pids in the servers' pidfiles (a server restarted from outside,
   * e.g. by the watchdog's local executor) that still run that server's Consul, then waits until they are reaped.
   */
  void killAll(Collection<LabServer> servers) {
    Map<Long, Path> pids;
    synchronized (this) {
      for (LabServer server : servers) {
        server.pid().ifPresent(pid -> started.putIfAbsent(pid, server.dataDir()));
      }
      pids = new LinkedHashMap<>(started);
    }
    pids.forEach((pid, dataDir) -> {
      if (ProcessTable.killIfConsulOf(pid, dataDir)) {
        LOG.info("lab {}: killed pid {} ({})", lab, pid, dataDir.getParent().getFileName());
      }
    });
    for (Long pid : pids.keySet()) {
      if (!ProcessTable.awaitReaped(pid, REAP_WAIT)) {
        LOG.warn("lab {}: pid {} still in the process table {} after SIGKILL (live: {})", lab, pid, REAP_WAIT,
            ProcessTable.isLive(pid));
      }
    }
  }
}
