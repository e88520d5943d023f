package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * File operations on the watchdog's own host, shared by the local and the systemd executors. None of
 * them follows a symbolic link: each works through a {@link LocalDirectory} held by descriptor.
 *
 * <p>WriteFile refuses when the target or its directory is a link or the target a directory, creates a
 * temporary file with a unique name exclusively (O_EXCL, O_NOFOLLOW) next to the target, writes and
 * fsyncs it, sets its mode and (when running as root) the directory's owner and group without following
 * links, renames it over the target atomically (renameat) and fsyncs the directory; on failure it removes
 * its temporary file. ReadFile refuses a link. RemoveFile removes a file (a link itself, never its
 * target), refuses a directory, and succeeds when the file is absent. MoveDirectory renames a real
 * directory (never a link) to a name that does not exist yet, and succeeds when that was done already.
 */
public final class LocalFiles {
  /** ReadFile refuses files larger than this. */
  static final long MAX_READ_BYTES = 1024 * 1024;
  private static final String TEMPORARY_SUFFIX = ".consul-watchdog-tmp";
  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalFiles() {}

  /** A fresh random token for a temporary name: 16 lowercase hex digits. */
  static String newToken() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** The temporary file WriteFile uses next to the target: {@code .<name>.<token>.consul-watchdog-tmp}. */
  public static String temporaryFileFor(String path, String token) {
    Path p = Path.of(path);
    return p.resolveSibling("." + p.getFileName() + "." + token + TEMPORARY_SUFFIX).toString();
  }

  /** Describes what {@link #write} does, for dry runs. */
  static String describeWrite(WriteFile op) {
    Path dir = Path.of(op.path()).getParent();
    return "write " + op.content().length + " bytes to a new " + temporaryFileFor(op.path(), "<random>")
        + " (created exclusively, never through a link; mode " + op.mode() + ", fsync, owner and group of " + dir
        + " when root), then rename it to " + op.path() + " (refused if " + op.path() + " or " + dir
        + " is a symbolic link)";
  }

  /** Describes what {@link #read} does, for dry runs. */
  static String describeRead(ReadFile op) {
    return "read " + op.path() + " as UTF-8 (at most " + MAX_READ_BYTES + " bytes; refused if it is a symbolic link)";
  }

  /** Describes what {@link #remove} does, for dry runs. */
  static String describeRemove(RemoveFile op) {
    return "remove " + op.path() + " if it is there (a directory is refused, a symbolic link is removed itself)";
  }

  /** Describes what {@link #move} does, for dry runs. */
  static String describeMove(MoveDirectory op) {
    return "rename directory " + op.source() + " to " + op.target() + " (refused if " + op.target()
        + " exists or " + op.source() + " is a symbolic link; done already if " + op.source() + " is gone and "
        + op.target() + " is there)";
  }

  /** Writes the file atomically with its mode; writing the same content again succeeds. */
  static ExecutionResult write(WriteFile op) {
    return write(op, newToken());
  }

  /** {@link #write} with a given temporary-name token (tests plant links where the temporary file goes). */
  static ExecutionResult write(WriteFile op, String token) {
    long started = System.nanoTime();
    try {
      FileMode mode = FileMode.parse(op.mode());
      Path target = absolute(op.path());
      Path dirPath = target.getParent();
      if (!Files.exists(dirPath, LinkOption.NOFOLLOW_LINKS)) {
        return ExecutionResult.failed("write-file " + target + ": directory " + dirPath + " does not exist",
            Timing.since(started));
      }
      String name = target.getFileName().toString();
      String temporary = Path.of(temporaryFileFor(target.toString(), token)).getFileName().toString();
      try (LocalDirectory dir = LocalDirectory.open(dirPath)) {
        refuseLinkOrDirectory(dir, name);
        writeTemporary(dir, temporary, op.content(), mode);
        try {
          dir.rename(temporary, dir, name);
        } catch (IOException e) {
          deleteQuietly(dir, temporary, e);
          throw e;
        }
        dir.fsync();
      }
      return ExecutionResult.ok("wrote " + op.content().length + " bytes to " + target + " mode " + mode.octal(),
          "", Timing.since(started));
    } catch (IOException | IllegalArgumentException | UncheckedIOException | UnsupportedOperationException e) {
      return ExecutionResult.failed("write-file " + op.path() + ": " + describe(e), Timing.since(started));
    }
  }

  private static void refuseLinkOrDirectory(LocalDirectory dir, String name) throws IOException {
    Optional<PosixFileAttributes> existing = dir.attributes(name);
    if (existing.isPresent() && existing.get().isSymbolicLink()) {
      throw new LocalDirectory.Refused(dir.path().resolve(name) + " is a symbolic link (refused: the watchdog never"
          + " writes through links)");
    }
    if (existing.isPresent() && existing.get().isDirectory()) {
      throw new LocalDirectory.Refused(dir.path().resolve(name) + " is a directory");
    }
  }

  /** Creates, fills, fsyncs and gives mode and owner to the temporary file; removes it when a step fails. */
  private static void writeTemporary(LocalDirectory dir, String temporary, byte[] content, FileMode mode)
      throws IOException {
    try (FileChannel ch = dir.createNew(temporary, mode.permissions())) {
      try {
        ByteBuffer buf = ByteBuffer.wrap(content);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
        dir.setPermissions(temporary, mode.permissions());
        if (RunningAs.root()) {
          PosixFileAttributes owner = dir.attributes();
          dir.setOwner(temporary, owner.owner(), owner.group());
        }
      } catch (IOException | RuntimeException e) {
        deleteQuietly(dir, temporary, e);
        throw e;
      }
    }
  }

  /** Removes our temporary file after a failure; a failure to remove it is kept with the first one. */
  private static void deleteQuietly(LocalDirectory dir, String temporary, Exception cause) {
    try {
      dir.delete(temporary);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  /** Reads a small UTF-8 file, never through a link; its content becomes the result's stdout. */
  static ExecutionResult read(ReadFile op) {
    long started = System.nanoTime();
    try {
      Path path = absolute(op.path());
      String name = path.getFileName().toString();
      try (LocalDirectory dir = LocalDirectory.open(path.getParent())) {
        Optional<PosixFileAttributes> attributes = dir.attributes(name);
        if (attributes.isEmpty()) {
          throw new NoSuchFileException(path.toString());
        }
        if (attributes.get().isSymbolicLink()) {
          throw new LocalDirectory.Refused(path + " is a symbolic link (refused: links are never followed)");
        }
        try (SeekableByteChannel ch = dir.openForReading(name)) {
          long size = ch.size();
          if (size > MAX_READ_BYTES) {
            return ExecutionResult.failed("read-file " + path + ": " + size + " bytes is more than the "
                + MAX_READ_BYTES + " allowed", Timing.since(started));
          }
          ByteBuffer buf = ByteBuffer.allocate((int) size);
          while (buf.hasRemaining() && ch.read(buf) >= 0) {
            // read until full or end of file
          }
          return ExecutionResult.ok(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8), "",
              Timing.since(started));
        }
      }
    } catch (IOException | IllegalArgumentException | UncheckedIOException | UnsupportedOperationException e) {
      return ExecutionResult.failed("read-file " + op.path() + ": " + describe(e), Timing.since(started));
    }
  }

  /** Removes one file (or link) if it is there; refuses a directory; an absent file is success. */
  static ExecutionResult remove(RemoveFile op) {
    long started = System.nanoTime();
    try {
      Path path = absolute(op.path());
      String name = path.getFileName().toString();
      if (!Files.exists(path.getParent(), LinkOption.NOFOLLOW_LINKS)) {
        return ExecutionResult.ok("already absent: " + path + " (no directory " + path.getParent() + ")", "",
            Timing.since(started));
      }
      try (LocalDirectory dir = LocalDirectory.open(path.getParent())) {
        Optional<PosixFileAttributes> attributes = dir.attributes(name);
        if (attributes.isEmpty()) {
          return ExecutionResult.ok("already absent: " + path, "", Timing.since(started));
        }
        if (attributes.get().isDirectory()) {
          throw new LocalDirectory.Refused(path + " is a directory (remove-file removes files only)");
        }
        dir.delete(name);
        dir.fsync();
        return ExecutionResult.ok("removed " + path + (attributes.get().isSymbolicLink()
            ? " (a symbolic link: the link itself, its target untouched)" : ""), "", Timing.since(started));
      }
    } catch (IOException | IllegalArgumentException | UncheckedIOException | UnsupportedOperationException e) {
      return ExecutionResult.failed("remove-file " + op.path() + ": " + describe(e), Timing.since(started));
    }
  }

  /** Renames a directory to a new name on the same file system; repeatable once done. */
  static ExecutionResult move(MoveDirectory op) {
    long started = System.nanoTime();
    String what = "move-directory " + op.source() + " -> " + op.target() + ": ";
    try {
      Path source = absolute(op.source());
      Path target = absolute(op.target());
      try (LocalDirectory from = LocalDirectory.open(source.getParent());
          LocalDirectory to = LocalDirectory.open(target.getParent())) {
        String sourceName = source.getFileName().toString();
        String targetName = target.getFileName().toString();
        Optional<PosixFileAttributes> src = from.attributes(sourceName);
        Optional<PosixFileAttributes> dst = to.attributes(targetName);
        if (src.isEmpty()) {
          if (dst.isPresent() && dst.get().isDirectory()) {
            return ExecutionResult.ok("already moved: " + source + " is gone and " + target + " is there", "",
                Timing.since(started));
          }
          return ExecutionResult.failed(what + "source " + source + " does not exist", Timing.since(started));
        }
        if (src.get().isSymbolicLink()) {
          throw new LocalDirectory.Refused("source " + source + " is a symbolic link (refused)");
        }
        if (!src.get().isDirectory()) {
          throw new LocalDirectory.Refused("source " + source + " is not a directory");
        }
        if (dst.isPresent()) {
          throw new LocalDirectory.Refused("target " + target + " exists");
        }
        from.rename(sourceName, to, targetName);
        from.fsync();
        to.fsync();
        return ExecutionResult.ok("moved " + source + " to " + target, "", Timing.since(started));
      }
    } catch (AtomicMoveNotSupportedException e) {
      return ExecutionResult.failed(what + "not on the same file system (a rename cannot move it)",
          Timing.since(started));
    } catch (IOException | IllegalArgumentException | UncheckedIOException | UnsupportedOperationException e) {
      return ExecutionResult.failed(what + describe(e), Timing.since(started));
    }
  }

  /** The path as an absolute, normalized path that is not the root; throws IllegalArgumentException otherwise. */
  static Path absolute(String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute() || p.getParent() == null) {
      throw new IllegalArgumentException("path must be absolute and not the root: " + path);
    }
    return p.normalize();
  }

  /** An exception as one readable line: what went wrong and on which path. */
  static String describe(Exception e) {
    String kind = e.getClass().getSimpleName();
    String detail = Timing.oneLine(e.getMessage());
    return switch (kind) {
      case "NoSuchFileException" -> "no such file or directory: " + detail;
      case "AccessDeniedException" -> "permission denied: " + detail;
      case "FileAlreadyExistsException" -> "already exists: " + detail;
      case "DirectoryNotEmptyException" -> "directory not empty: " + detail;
      default -> detail;
    };
  }

  /** Whether this JVM runs as root (uid 0), the only case where file owners can be given away. */
  static final class RunningAs {
    private RunningAs() {}

    static boolean root() {
      try {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return "root".equals(System.getProperty("user.name"));
      }
    }
  }
}
