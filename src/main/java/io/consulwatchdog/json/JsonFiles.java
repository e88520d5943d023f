package io.consulwatchdog.json;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes a JSON file so that a crash leaves either the old content or the new one, never a mix or nothing:
 * a temporary file with a name of its own in the same directory (two writers never share one, and a file
 * planted at a predictable name is never opened), forced to disk, renamed over the target, and the
 * directory forced to disk so that the rename itself survives a power loss.
 */
public final class JsonFiles {
  private JsonFiles() {}

  /**
   * Reads a JSON file written by {@link #write}: empty when there is no file; {@link DamagedFileException}
   * when it is empty, torn or holds no value (what a crash of another writer, or of the disk, can leave).
   */
  public static <T> Optional<T> read(Path file, ObjectMapper mapper, Class<T> type) throws IOException {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (content.length == 0) {
      throw new DamagedFileException(file, "the file is empty");
    }
    T value;
    try {
      value = mapper.readValue(content, type);
    } catch (JacksonException e) {
      throw new DamagedFileException(file, Objects.requireNonNullElse(e.getOriginalMessage(), e.toString()));
    }
    if (value == null) {
      throw new DamagedFileException(file, "the file holds no value");
    }
    return Optional.of(value);
  }

  /** A file that exists but holds no whole value: empty, cut short, or not JSON of the expected shape. */
  public static final class DamagedFileException extends IOException {
    private DamagedFileException(Path file, String why) {
      super(file + ": " + why.lines().findFirst().orElse(why));
    }
  }

  /** Writes the value with the mapper to the target file, atomically and durably (see the class comment). */
  public static void write(Path target, ObjectMapper mapper, Object value) throws IOException {
    byte[] content = mapper.writeValueAsBytes(value);
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, target.getFileName() + ".", ".tmp", ownerWritesGroupReads());
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    }
  }

  /** rw-r----- where the file system has POSIX permissions (createTempFile's default is rw-------). */
  private static FileAttribute<?>[] ownerWritesGroupReads() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----"))}
        : new FileAttribute<?>[0];
  }
}
