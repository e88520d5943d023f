package io.consulwatchdog.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a lab's directory goes, files only its owner may read, and removing a lab's trees. */
final class LabFiles {
  private LabFiles() {}

  /** Creates a fresh lab directory named after the prefix under options.baseDir(), target/lab or java.io.tmpdir. */
  static Path createBaseDir(LabOptions options) {
    try {
      Path parent = options.baseDir().orElseGet(LabFiles::defaultParent);
      Files.createDirectories(parent);
      return Files.createTempDirectory(parent, options.namePrefix() + "-").toRealPath();
    } catch (IOException e) {
      throw new LabException("cannot create the lab directory: " + e.getMessage(), e);
    }
  }

  private static Path defaultParent() {
    return ProjectDir.find()
        .map(p -> p.resolve("target"))
        .filter(Files::isDirectory)
        .map(t -> t.resolve("lab"))
        .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "consul-watchdog-lab"));
  }

  /** Writes a new file that only its owner can read and write (mode 0600 from the moment it exists). */
  static void writePrivate(Path file, String text) {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LabException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** Deletes a directory tree; nothing happens if it does not exist. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new LabException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }
}
