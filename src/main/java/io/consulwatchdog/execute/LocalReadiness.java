package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * CheckReady's checks on the watchdog's own host, changing nothing: the directories file operations
 * touch exist, are no symbolic links and are writable by this process, files to read are readable, a
 * backup's source is a directory and the target's file system has room for it, a move stays on one file
 * system, and (for the local executor) each argv's program resolves to an executable file. Stop, start
 * and restart are left to the executor (see {@link #program}).
 */
class LocalReadiness implements OperationVisitor<Void> {
  /** What a CheckReady on this host checks for each file operation, for descriptions. */
  static final String FILE_CHECKS = "for file operations: each directory exists, is no symbolic link and is writable"
      + " by this process; a file to read is readable and no link; a file to write or remove is no link or"
      + " directory; a backup's source is a directory and its target's file system has room for it; a move's"
      + " source is a directory (or already moved) on the file system of its target's directory";

  protected final Readiness readiness;

  /** Checks into the given report. */
  LocalReadiness(Readiness readiness) {
    this.readiness = readiness;
  }

  /** Checks every operation of the list. */
  void checkAll(List<AgentOperation> operations) {
    operations.forEach(this::visit);
  }

  @Override
  public Void stop() {
    return null;
  }

  @Override
  public Void start() {
    return null;
  }

  @Override
  public Void restart() {
    return null;
  }

  @Override
  public Void backup(BackupDirectory op) {
    String what = Readiness.label(op) + ": ";
    Path source = Path.of(op.source());
    Path target = Path.of(op.target());
    if (realDirectory(what, source)) {
      writableDirectory(what, target.getParent());
      try {
        long needed = LocalBackup.treeSize(source);
        long free = Files.getFileStore(target.getParent()).getUsableSpace();
        readiness.check(what + "free space on " + target.getParent() + " (" + free + " bytes) >= size of "
            + source + " (" + needed + " bytes)", free >= needed, "not enough room for the copy");
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          readiness.check(what + target + " already holds an identical copy", LocalBackup.sameTree(source, target),
              "it exists with other content");
        }
      } catch (IOException | UncheckedIOException | SecurityException e) {
        readiness.fail(what + "measure " + source + " and the free space on " + target.getParent(),
            LocalFiles.describe(e));
      }
    }
    return null;
  }

  @Override
  public Void write(WriteFile op) {
    String what = Readiness.label(op) + ": ";
    if (writableDirectory(what, Path.of(op.path()).getParent())) {
      noLinkOrDirectory(what, Path.of(op.path()));
    }
    return null;
  }

  @Override
  public Void read(ReadFile op) {
    readable(Readiness.label(op) + ": ", Path.of(op.path()));
    return null;
  }

  @Override
  public Void edit(EditFile op) {
    String what = Readiness.label(op) + ": ";
    readable(what, Path.of(op.path()));
    writableDirectory(what, Path.of(op.path()).getParent());
    return null;
  }

  @Override
  public Void remove(RemoveFile op) {
    String what = Readiness.label(op) + ": ";
    writableDirectory(what, Path.of(op.path()).getParent());
    Optional<BasicFileAttributes> a = attributes(Path.of(op.path()));
    readiness.check(what + op.path() + " is no directory", a.map(x -> !x.isDirectory()).orElse(true),
        "it is a directory");
    return null;
  }

  @Override
  public Void move(MoveDirectory op) {
    String what = Readiness.label(op) + ": ";
    Path source = Path.of(op.source());
    Path target = Path.of(op.target());
    Optional<BasicFileAttributes> src = attributes(source);
    Optional<BasicFileAttributes> dst = attributes(target);
    if (src.isEmpty()) {
      if (dst.map(BasicFileAttributes::isDirectory).orElse(false)) {
        readiness.pass(what + "already moved (" + source + " is gone, " + target + " is a directory)");
      } else {
        readiness.fail(what + source + " is a directory to move", "it does not exist, and " + target
            + " is not the moved directory");
      }
      return null;
    }
    if (realDirectory(what, source)) {
      readiness.check(what + target + " does not exist yet", dst.isEmpty(), "it exists");
      writableDirectory(what, source.getParent());
      writableDirectory(what, target.getParent());
      try {
        boolean same = Files.getFileStore(source).equals(Files.getFileStore(target.getParent()));
        readiness.check(what + source + " and " + target.getParent() + " are on one file system", same,
            "they are not: a rename cannot move it");
      } catch (IOException | SecurityException e) {
        readiness.fail(what + source + " and " + target.getParent() + " are on one file system",
            LocalFiles.describe(e));
      }
    }
    return null;
  }

  @Override
  public Void checkReady(CheckReady op) {
    readiness.cannotCheck("a check-ready inside check-ready (it checks nothing by itself)");
    return null;
  }

  /**
   * Checks that an argv's program resolves to an executable file the way ProcessBuilder finds it: a name
   * with a slash as a path, any other name through the directories of PATH.
   */
  void program(String what, List<String> argv, String pathVariable) {
    if (argv.isEmpty()) {
      readiness.fail(what + ": a command is configured", "no command configured (empty argv)");
      return;
    }
    String program = argv.get(0);
    Optional<Path> found = resolve(program, pathVariable);
    if (found.isPresent()) {
      readiness.pass(what + ": program " + program + " is the executable file " + found.get());
    } else {
      readiness.fail(what + ": program " + program + " resolves to an executable file", program.contains("/")
          ? "no executable file at " + program : "not found in any directory of PATH (" + pathVariable + ")");
    }
  }

  private static Optional<Path> resolve(String program, String pathVariable) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    for (String dir : (pathVariable == null ? "" : pathVariable).split(":", -1)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private boolean realDirectory(String what, Path dir) {
    Optional<BasicFileAttributes> a = attributes(dir);
    String why = a.isEmpty() ? "it does not exist"
        : a.get().isSymbolicLink() ? "it is a symbolic link"
        : !a.get().isDirectory() ? "it is not a directory" : null;
    readiness.check(what + dir + " is a directory, no symbolic link", why == null, why);
    return why == null;
  }

  private boolean writableDirectory(String what, Path dir) {
    if (!realDirectory(what, dir)) {
      return false;
    }
    boolean writable = Files.isWritable(dir);
    readiness.check(what + dir + " is writable by this process", writable, "it is not");
    return writable;
  }

  private void noLinkOrDirectory(String what, Path path) {
    Optional<BasicFileAttributes> a = attributes(path);
    String why = a.isEmpty() ? null
        : a.get().isSymbolicLink() ? "it is a symbolic link"
        : a.get().isDirectory() ? "it is a directory" : null;
    readiness.check(what + path + " is no symbolic link or directory", why == null, why);
  }

  private void readable(String what, Path path) {
    Optional<BasicFileAttributes> a = attributes(path);
    String why = a.isEmpty() ? "it does not exist"
        : a.get().isSymbolicLink() ? "it is a symbolic link"
        : !a.get().isRegularFile() ? "it is not a regular file"
        : !Files.isReadable(path) ? "it is not readable by this process" : null;
    readiness.check(what + path + " is a readable file, no symbolic link", why == null, why);
  }

  private static Optional<BasicFileAttributes> attributes(Path path) {
    try {
      return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
