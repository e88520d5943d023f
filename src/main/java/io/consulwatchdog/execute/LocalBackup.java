package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * BackupDirectory on the watchdog's own host: copies the tree (modes, times, symbolic links as links) to a
 * temporary sibling {@code <target>.tmp} and renames it to the target; an existing target with identical
 * content counts as done. Neither the source nor the target's directory may be a symbolic link, and modes,
 * owners and times are set without following links.
 */
final class LocalBackup {
  private LocalBackup() {}

  /** The temporary directory BackupDirectory copies into before renaming it to the target. */
  static String temporaryDirectoryFor(String target) {
    return target + ".tmp";
  }

  /** Describes what {@link #backup} does, for dry runs. */
  static String describe(BackupDirectory op) {
    return "copy directory " + op.source() + " recursively (modes, times, symlinks kept as links) to "
        + temporaryDirectoryFor(op.target()) + ", then rename it to " + op.target()
        + " (an existing identical " + op.target() + " counts as done; a symbolic link as source is refused)";
  }

  /** Copies the source tree to the target through a temporary sibling; an identical target is success. */
  static ExecutionResult backup(BackupDirectory op) {
    long started = System.nanoTime();
    try {
      Path source = LocalFiles.absolute(op.source());
      Path target = LocalFiles.absolute(op.target());
      if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
        return ExecutionResult.failed("backup-directory: source " + source + " is not a directory"
            + (Files.isSymbolicLink(source) ? " (a symbolic link: refused)" : ""), Timing.since(started));
      }
      try (LocalDirectory parent = LocalDirectory.open(target.getParent())) {
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
        parent.rename(tmp.getFileName().toString(), parent, target.getFileName().toString());
        parent.fsync();
      }
      return ExecutionResult.ok("copied " + source + " to " + target, "", Timing.since(started));
    } catch (IOException | IllegalArgumentException | UncheckedIOException | UnsupportedOperationException e) {
      return ExecutionResult.failed("backup-directory " + op.source() + " -> " + op.target() + ": "
          + LocalFiles.describe(e), Timing.since(started));
    }
  }

  /** The bytes the files of a tree take (links not followed), for the free-space check. */
  static long treeSize(Path root) throws IOException {
    long[] total = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        total[0] += attrs.size();
        return FileVisitResult.CONTINUE;
      }
    });
    return total[0];
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
      PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class,
          LinkOption.NOFOLLOW_LINKS);
      view.setPermissions(a.permissions());
      if (LocalFiles.RunningAs.root()) {
        view.setOwner(a.owner());
        view.setGroup(a.group());
      }
      view.setTimes(a.lastModifiedTime(), a.lastAccessTime(), null);
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

  /** Deletes a tree without following links; nothing happens when it does not exist. */
  static void deleteTree(Path root) throws IOException {
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
}
