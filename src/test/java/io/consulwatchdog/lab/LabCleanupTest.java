package io.consulwatchdog.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Lab servers do not outlive a JVM that forgot close() (shutdown hook) or was SIGKILLed (orphan sweep). */
@Tag("lab")
class LabCleanupTest {
  private static final Duration REAPED = Duration.ofSeconds(15);

  @Test
  void theShutdownHookKillsTheServersOfAnUnclosedLab() throws Exception {
    List<Long> pids = new ArrayList<>();
    Process child = startAbandonedLab("exit");
    try {
      readPids(child, pids);
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM exited").isTrue();
      for (long pid : pids) {
        assertThat(ProcessTable.awaitReaped(pid, REAPED)).as("pid %d gone after the child JVM exited", pid).isTrue();
      }
    } finally {
      child.destroyForcibly();
      TestLabCluster.sweepOrphans();
    }
  }

  @Test
  void sweepOrphansKillsTheServersOfAKilledJvm() throws Exception {
    List<Long> pids = new ArrayList<>();
    Process child = startAbandonedLab("wait");
    try {
      readPids(child, pids);
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(pids).allSatisfy(pid -> assertThat(ProcessTable.isLive(pid)).as("orphan %d", pid).isTrue());

      List<Long> killed = TestLabCluster.sweepOrphans();

      assertThat(killed).containsAll(pids);
      for (long pid : pids) {
        assertThat(ProcessTable.awaitReaped(pid, REAPED)).as("pid %d gone after the sweep", pid).isTrue();
      }
    } finally {
      child.destroyForcibly();
      TestLabCluster.sweepOrphans();
    }
  }

  private static Process startAbandonedLab(String mode) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        AbandonedLab.class.getName(), mode)
        .redirectErrorStream(true)
        .start();
  }

  /** Reads "pid N" lines until the "dir" line; bounded by the child's own start timeout. */
  private static void readPids(Process child, List<Long> pids) throws IOException {
    BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (int lines = 0; lines < 500; lines++) {
      String line = out.readLine();
      if (line == null || line.startsWith("dir ")) {
        break;
      }
      if (line.startsWith("pid ")) {
        pids.add(Long.parseLong(line.substring(4).trim()));
      }
    }
    assertThat(pids).as("pids printed by the child lab").hasSize(2);
  }
}
