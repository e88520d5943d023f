package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * File operations on the watchdog's own host, shared by the local and the systemd executors.
 *
 * <p>WriteFile writes a temporary file next to the target, fsyncs it, sets the mode, gives it the
 * directory's owner and group when running as root (so that a consul-owned data dir gets a
 * consul-readable peers.json), renames it over the target atomically and fsyncs the directory.
 * BackupDirectory copies the tree (modes, times, symlinks as links) to a temporary sibling and renames it;
 * an existing target with identical content counts as done. Temporary names are fixed
 * ({@code .<name>.consul-watchdog-tmp}, {@code <target>.tmp}) so a retry cleans up after an interrupted try.
 */
public final class LocalFiles {
  /** ReadFile refuses files larger than this. */
  static final long MAX_READ_BYTES = 1024 * 1024;

  private LocalFiles() {}

  /** The temporary file WriteFile uses next to the target. */
  public static String temporaryFileFor(String path) {
    Path p = Path.of(path);
    return p.resolveSibling("." + p.getFileName() + ".consul-watchdog-tmp").toString();
  }

  /** The temporary directory BackupDirectory copies into before renaming it to the target. */
  public static String temporaryDirectoryFor(String target) {
    return target + ".tmp";
  }

  /** Describes what {@link #write} does, for dry runs. */
  static String describeWrite(WriteFile op) {
    return "write " + op.content().length + " bytes to " + temporaryFileFor(op.path()) + " (mode " + op.mode()
        + ", fsync, owner and group of " + Path.of(op.path()).getParent() + " when root), then rename it to "
        + op.path();
  }

  /** Describes what {@link #backup} does, for dry runs. */
  static String describeBackup(BackupDirectory op) {
    return "copy directory " + op.source() + " recursively (modes, times, symlinks kept) to "
        + temporaryDirectoryFor(op.target()) + ", then rename it to " + op.target()
        + " (an existing identical " + op.target() + " counts as done)";
  }

  /** Describes what {@link #read} does, for dry runs. */
  static String describeRead(ReadFile op) {
    return "read " + op.path() + " as UTF-8 (at most " + MAX_READ_BYTES + " bytes)";
  }

  /** Writes the file atomically with its mode; writing the same content again succeeds. */
  static ExecutionResult write(WriteFile op) {
    long started = System.nanoTime();
    try {
      FileMode mode = FileMode.parse(op.mode());
      Path target = absolute(op.path());
      Path dir = target.getParent();
      if (!Files.isDirectory(dir)) {
        return ExecutionResult.failed("write-file " + target + ": directory " + dir + " does not exist",
            Timing.since(started));
      }
      Path tmp = Path.of(temporaryFileFor(target.toString()));
      Files.deleteIfExists(tmp);
      try (FileChannel ch = FileChannel.open(tmp,
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(mode.permissions()))) {
        ByteBuffer buf = ByteBuffer.wrap(op.content());
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.setPosixFilePermissions(tmp, mode.permissions());
      if (RunningAs.root()) {
        PosixFileAttributes owner = Files.readAttributes(dir, PosixFileAttributes.class);
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        view.setOwner(owner.owner());
        view.setGroup(owner.group());
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncDirectory(dir);
      return ExecutionResult.ok("wrote " + op.content().length + " bytes to " + target + " mode " + mode.octal(),
          "", Timing.since(started));
    } catch (IOException | IllegalArgumentException | UncheckedIOException | UnsupportedOperationException e) {
      return ExecutionResult.failed("write-file " + op.path() + ": " + describe(e), Timing.since(started));
    }
  }

  /** Reads a small UTF-8 file; its content becomes the result's stdout. */
  static ExecutionResult read(ReadFile op) {
    long started = System.nanoTime();
    try {
      Path path = absolute(op.path());
      long size = Files.size(path);
      if (size > MAX_READ_BYTES) {
        return ExecutionResult.failed("read-file " + path + ": " + size + " bytes is more than the "
            + MAX_READ_BYTES + " allowed", Timing.since(started));
      }
      return ExecutionResult.ok(Files.readString(path, StandardCharsets.UTF_8), "", Timing.since(started));
    } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
      return ExecutionResult.failed("read-file " + op.path() + ": " + describe(e), Timing.since(started));
    }
  }

  /** Copies the source tree to the target through a temporary sibling; an identical target is success. */
  static ExecutionResult backup(BackupDirectory op) {
    long started = System.nanoTime();
    try {
      Path source = absolute(op.source());
      Path target = absolute(op.target());
      if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
        return ExecutionResult.failed("backup-directory: source " + source + " is not a directory",
            Timing.since(started));
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        if (sameTree(source, target)) {
          return ExecutionResult.ok("backup already present: " + target, "", Timing.since(started));
        }
        return ExecutionResult.failed("backup-directory: target " + target + " exists with other content",
            Timing.since(started));
      }
      Path tmp = Path.of(temporaryDirectoryFor(target.toString()));
      deleteTree(tmp);
      copyTree(source, tmp);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(target.getParent());
      return ExecutionResult.ok("copied " + source + " to " + target, "", Timing.since(started));
    } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
      return ExecutionResult.failed("backup-directory " + op.source() + " -> " + op.target() + ": " + describe(e),
          Timing.since(started));
    }
  }

  private static Path absolute(String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute() || p.getParent() == null) {
      throw new IllegalArgumentException("path must be absolute and not the root: " + path);
    }
    return p.normalize();
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static void copyTree(Path source, Path target) throws IOException {
    List<Path[]> directories = new ArrayList<>();
    Files.walkFileTree(source, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path to = target.resolve(source.relativize(dir).toString());
        Files.createDirectory(to);
        directories.add(new Path[] {dir, to});
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }
    });
    // Directory modes and times last, deepest first, so that read-only directories can be filled first.
    for (int i = directories.size() - 1; i >= 0; i--) {
      Path from = directories.get(i)[0];
      Path to = directories.get(i)[1];
      PosixFileAttributes a = Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(to, a.permissions());
      if (RunningAs.root()) {
        PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        view.setOwner(a.owner());
        view.setGroup(a.group());
      }
      Files.getFileAttributeView(to, PosixFileAttributeView.class)
          .setTimes(a.lastModifiedTime(), a.lastAccessTime(), null);
    }
  }

  /** True when both trees hold the same paths, file types and file contents (like diff -r). */
  static boolean sameTree(Path a, Path b) throws IOException {
    if (!Files.isDirectory(b, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    List<String> left = relativePaths(a);
    List<String> right = relativePaths(b);
    if (!left.equals(right)) {
      return false;
    }
    for (String rel : left) {
      Path x = a.resolve(rel);
      Path y = b.resolve(rel);
      if (Files.isSymbolicLink(x) || Files.isSymbolicLink(y)) {
        if (!(Files.isSymbolicLink(x) && Files.isSymbolicLink(y)
            && Files.readSymbolicLink(x).equals(Files.readSymbolicLink(y)))) {
          return false;
        }
      } else if (Files.isDirectory(x) != Files.isDirectory(y)) {
        return false;
      } else if (Files.isRegularFile(x) && Files.mismatch(x, y) != -1) {
        return false;
      }
    }
    return true;
  }

  private static List<String> relativePaths(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> root.relativize(p).toString()).sorted().toList();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static String describe(Exception e) {
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
