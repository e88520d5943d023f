package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consulwatchdog.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterLockTest {
  private static final Duration CHILD = Duration.ofSeconds(60);
  private static final long SELF = ProcessHandle.current().pid();
  @TempDir Path dir;

  /** What a probe in another JVM gets: exit 0 with "acquired", or 75 naming the holder. */
  private ChildJvm.Result probe() throws Exception {
    return ChildJvm.run(LockProbe.class, Map.of(), CHILD, dir.toString(), "dc1", "try");
  }

  @Test
  void anotherProcessIsRefusedWhileTheLockIsHeldAndGetsItOnceReleased() throws Exception {
    try (ClusterLock lock = ClusterLock.acquire(dir, "dc1")) {
      assertThat(lock.file()).isEqualTo(dir.toRealPath().resolve("dc1/daemon.lock"));
      ChildJvm.Result refused = probe();
      assertThat(refused.exit()).as(refused.output()).isEqualTo(75);
      assertThat(refused.output()).contains("cluster dc1 is already watched by another consul-watchdog (pid " + SELF
          + ", started ").contains("lock " + lock.file());
    }
    ChildJvm.Result free = probe();
    assertThat(free.exit()).as(free.output()).isZero();
    assertThat(free.output()).contains("acquired");
  }

  @Test
  void aSecondLockInThisJvmIsRefusedAndTheFirstStaysHeld() throws Exception {
    try (ClusterLock first = ClusterLock.acquire(dir, "dc1")) {
      assertThatThrownBy(() -> ClusterLock.acquire(dir, "dc1")).isInstanceOf(ClusterLock.HeldException.class)
          .hasMessageContaining("(pid " + SELF).hasMessageContaining("(this process)");
      assertThatThrownBy(() -> ClusterLock.acquire(dir.resolve("."), "dc1"))
          .as("the same directory by another path").isInstanceOf(ClusterLock.HeldException.class);
      assertThat(probe().exit()).as("still held at the OS level").isEqualTo(75);
      assertThat(ClusterLock.acquire(dir, "dc2")).as("another cluster has its own lock").isNotNull().satisfies(ClusterLock::close);
    }
  }

  @Test
  void aLockTakenOutsideClusterLockInThisJvmIsRefusedAndNotReleased() throws Exception {
    Path file = dir.resolve("dc1/daemon.lock");
    Files.createDirectories(file.getParent());
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock raw = channel.lock()) {
      assertThatThrownBy(() -> ClusterLock.acquire(dir, "dc1")).isInstanceOf(ClusterLock.HeldException.class)
          .hasMessageContaining("another lock of this process");
      assertThat(raw.isValid()).isTrue();
      assertThat(probe().exit()).as("still held at the OS level").isEqualTo(75);
    }
  }

  @Test
  void aPidLeftInTheFileByADeadHolderDoesNotBlock() throws Exception {
    Path file = dir.resolve("dc1/daemon.lock");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "pid 999999\nstarted 2026-01-01T00:00:00Z\n");
    try (ClusterLock lock = ClusterLock.acquire(dir, "dc1")) {
      assertThat(probe().output()).contains("(pid " + SELF + ", started ").doesNotContain("999999");
    }
  }

  @Test
  void aHolderKilledWithSigkillLeavesTheLockFree() throws Exception {
    Process holder = ChildJvm.start(LockProbe.class, Map.of(), dir.toString(), "dc1", "hold");
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      String first = out.readLine(); // bounded: the probe prints one line, or exits at once
      assertThat(first).startsWith("acquired");
      assertThatThrownBy(() -> ClusterLock.acquire(dir, "dc1")).isInstanceOf(ClusterLock.HeldException.class)
          .hasMessageContaining("(pid " + holder.pid() + ", started ");

      holder.destroyForcibly(); // SIGKILL: no shutdown hook, no close(); the pid stays in the file
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();

      try (ClusterLock lock = ClusterLock.acquire(dir, "dc1")) {
        assertThat(lock.file()).exists();
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void acquireAllTakesEveryClusterOrNone() throws Exception {
    try (ClusterLock held = ClusterLock.acquire(dir, "dc2")) {
      assertThatThrownBy(() -> ClusterLock.acquireAll(dir, List.of("dc1", "dc2")))
          .isInstanceOf(ClusterLock.HeldException.class).hasMessageContaining("cluster dc2");
      List<ClusterLock> dc1 = ClusterLock.acquireAll(dir, List.of("dc1"));
      assertThat(dc1).as("dc1 was released when dc2 was refused").hasSize(1);
      dc1.forEach(ClusterLock::close);
    }
  }
}
