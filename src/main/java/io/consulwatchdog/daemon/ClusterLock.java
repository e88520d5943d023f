package io.consulwatchdog.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive lock a running daemon holds on one cluster's state, {@code <stateDir>/<cluster>/daemon.lock},
 * so that two daemons never plan and act on one cluster at once. The file names the holder ("pid N", "started
 * T"); the operating system releases the lock when the holder exits, even on SIGKILL, so a PID left in the
 * file by a dead holder never blocks. Read-only commands do not take it.
 *
 * <p>The lock is a POSIX record lock: closing any descriptor of the file in the holding JVM releases it. So
 * this JVM never opens a lock file it holds (a registry answers for it), and nothing else may open it here.
 */
public final class ClusterLock implements AutoCloseable {
  /** The lock file's name under {@code <stateDir>/<cluster>/}. */
  public static final String FILE_NAME = "daemon.lock";
  /** The locks this JVM holds, by the lock file's real path. */
  private static final Map<Path, ClusterLock> HELD = new ConcurrentHashMap<>();
  /** Channels whose lock another part of this JVM held: never closed, since closing would release that lock. */
  private static final List<FileChannel> PARKED = new ArrayList<>();

  private final String cluster;
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ClusterLock(String cluster, Path file, FileChannel channel, FileLock lock) {
    this.cluster = cluster;
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock of every cluster, or none: on a held one, those already taken are released and it throws. */
  public static List<ClusterLock> acquireAll(Path stateDir, List<String> clusters) throws IOException {
    List<ClusterLock> taken = new ArrayList<>();
    try {
      for (String cluster : clusters) {
        taken.add(acquire(stateDir, cluster));
      }
      return taken;
    } catch (IOException | RuntimeException e) {
      taken.forEach(ClusterLock::close);
      throw e;
    }
  }

  /** Takes the cluster's lock and writes this process's PID and start time into it; {@link HeldException} if held. */
  public static synchronized ClusterLock acquire(Path stateDir, String cluster) throws IOException {
    Path dir = stateDir.resolve(cluster);
    Files.createDirectories(dir);
    Path file = dir.toRealPath().resolve(FILE_NAME);
    ClusterLock mine = HELD.get(file);
    if (mine != null) {
      throw new HeldException(cluster, file, describe(holderLines()) + " (this process)");
    }
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException heldHere) {
      PARKED.add(channel);
      throw new HeldException(cluster, file, "another lock of this process");
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder = readHolder(channel);
      channel.close(); // this process holds no lock on the file: closing releases nothing
      throw new HeldException(cluster, file, holder);
    }
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(holderLines().getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(true);
    } catch (IOException e) {
      lock.release();
      channel.close();
      throw e;
    }
    ClusterLock taken = new ClusterLock(cluster, file, channel, lock);
    HELD.put(file, taken);
    return taken;
  }

  /** What a holder writes into the lock file: "pid N" and "started T" lines. */
  private static String holderLines() {
    ProcessHandle self = ProcessHandle.current();
    return "pid " + self.pid() + "\nstarted " + self.info().startInstant().map(Instant::toString).orElse("unknown") + "\n";
  }

  /** What the holder wrote, on one line ("pid N, started T"), or that it wrote nothing yet. */
  private static String readHolder(FileChannel channel) throws IOException {
    ByteBuffer content = ByteBuffer.allocate(512);
    channel.read(content, 0);
    return describe(new String(content.array(), 0, content.position(), StandardCharsets.UTF_8));
  }

  private static String describe(String lines) {
    String text = lines.strip();
    return text.isEmpty() ? "a process that has not written its pid yet" : String.join(", ", text.lines().toList());
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** Empties the file (it no longer names a holder) and releases the lock. */
  @Override
  public void close() {
    synchronized (ClusterLock.class) {
      if (HELD.remove(file, this)) {
        try {
          channel.truncate(0);
          lock.release();
        } catch (IOException e) {
          // closing the channel below releases the lock all the same
        }
        try {
          channel.close();
        } catch (IOException e) {
          // nothing left to release
        }
      }
    }
  }

  @Override
  public String toString() {
    return "lock of cluster " + cluster + " (" + file + ")";
  }

  /** Another daemon holds the cluster's lock: the message names the cluster, the holder's PID and the lock file. */
  public static final class HeldException extends IllegalStateException {
    private HeldException(String cluster, Path file, String holder) {
      super("cluster " + cluster + " is already watched by another consul-watchdog (" + holder + "; lock " + file
          + "); one daemon per cluster and state_dir");
    }
  }
}
