package io.consulwatchdog.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills lab servers left running by labs whose JVM died without closing them (e.g. a test fork killed
 * on timeout): found through unheld block lock files, recognised by their -data-dir.
 */
final class OrphanSweep {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private OrphanSweep() {}

  /** SIGKILLs every orphaned lab server and returns the pids it killed. */
  static List<Long> sweep() {
    List<Long> killed = new ArrayList<>();
    for (Path owner : AddressBlock.unheldOwnerDirs()) {
      if (!Files.isDirectory(owner)) {
        continue;
      }
      try (Stream<Path> dirs = Files.list(owner)) {
        for (Path dir : dirs.filter(Files::isDirectory).toList()) {
          LabServer server = new LabServer(dir.getFileName().toString(), "", dir, false);
          OptionalLong pid = server.pid();
          if (pid.isPresent() && ProcessTable.killIfConsulOf(pid.getAsLong(), server.dataDir())) {
            ProcessTable.awaitNotLive(pid.getAsLong(), KILL_WAIT);
            LOG.warn("killed orphaned lab server pid {} of {}", pid.getAsLong(), dir);
            killed.add(pid.getAsLong());
          }
        }
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("cannot sweep {}: {}", owner, e.getMessage());
      }
    }
    return killed;
  }
}
