package io.consulwatchdog.execute;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** A fresh directory in /dev/shm, for tests that need a file system other than their temporary dir's. */
final class AnotherFileSystem {
  private static final Path SHM = Path.of("/dev/shm");

  private AnotherFileSystem() {}

  /** Creates the directory (the caller deletes it), or skips the test when /dev/shm is not another file system. */
  static Path directory(Path near, String prefix) throws IOException {
    Assumptions.assumeTrue(Files.isDirectory(SHM) && Files.isWritable(SHM)
        && !Files.getFileStore(SHM).equals(Files.getFileStore(near)), "needs /dev/shm on another file system");
    return Files.createTempDirectory(SHM, prefix);
  }
}
