package io.consulwatchdog.execute;

import io.consulwatchdog.config.SshExecutorConfig;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the one remote command line of an SSH CheckReady, which changes nothing: for every command the
 * operations would run, {@code sudo -n -l <argv>} (sudo lists whether it would allow it, without running
 * it; a program without sudo must be found with {@code command -v}); as the file owner, {@code test -d},
 * {@code test ! -L} and {@code test -w} on the directories the file operations touch, {@code du} and
 * {@code df} for a backup's space and {@code df} mount points for a move. Each check prints
 * {@code ok: ...} on stdout or {@code FAILED: ...} (with the last line of the failed command's output) on
 * stderr, see {@link Readiness}; the line exits 1 when any failed.
 */
final class RemoteReadiness implements OperationVisitor<Void> {
  /** Shell functions the checks use: ok, no (marks failure), chk PASSED FAILED ARGV... (runs ARGV). */
  private static final String FUNCTIONS = "f=0; ok() { printf 'ok: %s\\n' \"$1\"; }; "
      + "no() { printf 'FAILED: %s\\n' \"$1\" >&2; f=1; }; "
      + "chk() { p=$1; n=$2; shift 2; if o=$(\"$@\" 2>&1 </dev/null); then ok \"$p\"; "
      + "else l=$(printf '%s\\n' \"$o\" | tail -n 1); no \"$n${l:+ ($l)}\"; fi; }; ";

  private final SshExecutorConfig config;
  private final RemoteFileCommands files;
  private final Set<String> steps = new LinkedHashSet<>();
  private final Set<List<String>> ownerCommands = new LinkedHashSet<>();

  /** Checks for this executor's configuration and file commands. */
  RemoteReadiness(SshExecutorConfig config, RemoteFileCommands files) {
    this.config = config;
    this.files = files;
  }

  /** What the check line checks, for descriptions. */
  static String describe(SshExecutorConfig config, CheckReady op) {
    return "check, changing nothing, with one command line, that " + Readiness.covered(op) + " can run: the login"
        + " works; for each command they run, sudo -n -l <argv> when it goes through sudo, else command -v for its"
        + " program (file commands run as " + owner(config) + "); as " + owner(config) + ", test -d, test ! -L and"
        + " test -w on the directories they touch, du and df for a backup's space, df mount points for a move";
  }

  /** The whole check line for these operations. */
  String line(List<AgentOperation> operations) {
    operations.forEach(this::visit);
    return FUNCTIONS + "ok " + quote("login as " + config.user() + "@" + config.host() + ":" + config.port()
        + " works") + "; " + String.join(" ", steps) + " exit $f";
  }

  /** Every argv the file commands and the checks run as the file owner (behind the prefix), for sudoers. */
  List<List<String>> ownerCommands() {
    return List.copyOf(ownerCommands);
  }

  @Override
  public Void stop() {
    service("stop", config.stop());
    return null;
  }

  @Override
  public Void start() {
    service("start", config.start());
    return null;
  }

  @Override
  public Void restart() {
    if (config.restart().isEmpty()) {
      service("restart (stop)", config.stop());
      service("restart (start)", config.start());
    } else {
      service("restart", config.restart());
    }
    return null;
  }

  @Override
  public Void backup(BackupDirectory op) {
    String what = Readiness.label(op) + ": ";
    if (allowed(what, () -> files.backup(op.source(), op.target()))) {
      realDirectory(what, op.source());
      writableDirectory(what, parentOf(op.target()));
      String parent = parentOf(op.target());
      steps.add("n=$(" + own(List.of("du", "-s", "-B1", "--", op.source())) + " 2>/dev/null | cut -f1); a=$("
          + own(List.of("df", "-B1", "--output=avail", "--", parent)) + " 2>/dev/null | tail -n 1 | tr -d ' '); "
          + "if [ -z \"$n\" ] || [ -z \"$a\" ]; then no " + quote(what + "cannot measure the size of " + op.source()
              + " (du) or the free space on " + parent + " (df)") + "; "
          + "elif [ \"$a\" -ge \"$n\" ]; then ok "
          + quote(what + "free space on " + parent + " >= size of " + op.source()) + "\" ($a >= $n bytes)\"; "
          + "else no " + quote(what + "not enough free space on " + parent + " for a copy of " + op.source())
          + "\" ($a < $n bytes)\"; fi;");
    }
    return null;
  }

  @Override
  public Void write(WriteFile op) {
    String what = Readiness.label(op) + ": ";
    if (allowed(what, () -> files.write(op.path(), op.mode()))) {
      writableDirectory(what, parentOf(op.path()));
      ownerCheck(what + op.path() + " is no symbolic link", what + op.path() + " is a symbolic link",
          "test", "!", "-L", op.path());
    }
    return null;
  }

  @Override
  public Void read(ReadFile op) {
    String what = Readiness.label(op) + ": ";
    if (allowed(what, () -> files.read(op.path()))) {
      ownerCheck(what + op.path() + " is readable", what + op.path() + " is not readable (or does not exist)",
          "test", "-r", op.path());
    }
    return null;
  }

  @Override
  public Void edit(EditFile op) {
    read(new ReadFile(op.path()));
    write(new WriteFile(op.path(), new byte[0], op.mode()));
    return null;
  }

  @Override
  public Void remove(RemoveFile op) {
    String what = Readiness.label(op) + ": ";
    if (allowed(what, () -> files.remove(op.path()))) {
      writableDirectory(what, parentOf(op.path()));
    }
    return null;
  }

  @Override
  public Void move(MoveDirectory op) {
    String what = Readiness.label(op) + ": ";
    if (!allowed(what, () -> files.move(op.source(), op.target()))) {
      return null;
    }
    String parent = parentOf(op.target());
    writableDirectory(what, parentOf(op.source()));
    writableDirectory(what, parent);
    List<String> sourceIsDirectory = List.of("test", "-d", op.source());
    List<String> targetIsDirectory = List.of("test", "-d", op.target());
    steps.add("if " + own(sourceIsDirectory) + " >/dev/null 2>&1; then "
        + chk(what + op.source() + " is no symbolic link", what + op.source() + " is a symbolic link",
            owned(List.of("test", "!", "-L", op.source())))
        + chk(what + op.target() + " does not exist yet", what + op.target() + " exists",
            owned(List.of("test", "!", "-e", op.target())))
        + "m1=$(" + own(List.of("df", "-B1", "--output=target", "--", op.source())) + " 2>/dev/null | tail -n 1); "
        + "m2=$(" + own(List.of("df", "-B1", "--output=target", "--", parent)) + " 2>/dev/null | tail -n 1); "
        + "if [ -n \"$m1\" ] && [ \"$m1\" = \"$m2\" ]; then ok " + quote(what + op.source() + " and " + parent
            + " are on one file system") + "; else no " + quote(what + op.source() + " and " + parent
            + " are not on one file system (a rename cannot move it)") + "\" (${m1:-unknown}, ${m2:-unknown})\"; fi; "
        + "elif " + own(targetIsDirectory) + " >/dev/null 2>&1; then ok "
        + quote(what + "already moved (" + op.source() + " is gone, " + op.target() + " is a directory)") + "; "
        + "else no " + quote(what + op.source() + " is no directory (missing?) and " + op.target()
            + " is not the moved directory") + "; fi;");
    return null;
  }

  @Override
  public Void checkReady(CheckReady op) {
    steps.add("printf 'not checked: %s\\n' " + quote("a check-ready inside check-ready (it checks nothing by itself)")
        + ";");
    return null;
  }

  /** Checks a stop/start/restart argv: sudo would allow it, or its program is found on the remote PATH. */
  private void service(String what, List<String> argv) {
    if (argv.isEmpty()) {
      steps.add("no " + quote(what + ": no command configured (empty argv)") + ";");
    } else if (isSudo(argv.get(0))) {
      List<String> listing = new ArrayList<>(List.of(argv.get(0), "-n", "-l"));
      listing.addAll(argv.subList(1, argv.size()));
      steps.add(chk(what + ": sudo allows " + String.join(" ", argv), what + ": sudo does not allow "
          + String.join(" ", argv) + " without a password", listing));
    } else {
      steps.add(chk(what + ": program " + argv.get(0) + " found", what + ": program " + argv.get(0)
          + " not found on the remote PATH or not executable", List.of("command", "-v", argv.get(0))));
    }
  }

  /** Asks sudo about every owner command of the operation's script; false when the script is refused. */
  private boolean allowed(String what, Supplier<RemoteFileCommands.Script> script) {
    RemoteFileCommands.Script s;
    try {
      s = script.get();
    } catch (IllegalArgumentException e) {
      steps.add("no " + quote(what + e.getMessage()) + ";");
      return false;
    }
    for (List<String> command : s.ownerCommands()) {
      ownerCommands.add(command);
      List<String> prefix = files.ownerPrefix();
      String shown = String.join(" ", command);
      if (prefix.isEmpty()) {
        steps.add(chk(what + "program " + command.get(0) + " found", what + "program " + command.get(0)
            + " not found on the remote PATH", List.of("command", "-v", command.get(0))));
      } else if (isSudo(prefix.get(0))) {
        List<String> listing = new ArrayList<>(List.of(prefix.get(0), "-n", "-l"));
        listing.addAll(prefix.subList(1, prefix.size()));
        listing.addAll(command);
        steps.add(chk(what + "sudo allows " + shown + " as " + owner(config), what + "sudo does not allow "
            + shown + " as " + owner(config) + " without a password", listing));
      } else {
        steps.add("printf 'not checked: %s\\n' " + quote(what + "whether " + String.join(" ", prefix)
            + " allows " + shown + " (only sudo can list its rules)") + ";");
      }
    }
    return true;
  }

  private void realDirectory(String what, String dir) {
    ownerCheck(what + dir + " is a directory", what + dir + " is not a directory (or does not exist)",
        "test", "-d", dir);
    ownerCheck(what + dir + " is no symbolic link", what + dir + " is a symbolic link", "test", "!", "-L", dir);
  }

  private void writableDirectory(String what, String dir) {
    realDirectory(what, dir);
    ownerCheck(what + dir + " is writable by " + owner(config), what + dir + " is not writable by "
        + owner(config), "test", "-w", dir);
  }

  private void ownerCheck(String passed, String failed, String... argv) {
    steps.add(chk(passed, failed, owned(List.of(argv))));
  }

  /** The full argv that runs a command as the file owner; records it for sudoers. */
  private List<String> owned(List<String> argv) {
    ownerCommands.add(argv);
    List<String> all = files.ownerPrefix();
    all.addAll(argv);
    return all;
  }

  private String own(List<String> argv) {
    return ShellQuoting.quote(owned(argv));
  }

  private static String chk(String passed, String failed, List<String> argv) {
    return "chk " + quote(passed) + " " + quote(failed) + " " + ShellQuoting.quote(argv) + ";";
  }

  private static boolean isSudo(String program) {
    return Path.of(program).getFileName().toString().equals("sudo");
  }

  private static String owner(SshExecutorConfig config) {
    return !config.fileOwner().isEmpty() ? config.fileOwner()
        : config.fileCommandPrefix().isEmpty() ? config.user() + " (the login user)"
        : "the user " + String.join(" ", config.fileCommandPrefix()) + " runs commands as";
  }

  private static String parentOf(String path) {
    return RemoteFileCommands.parent(path);
  }

  private static String quote(String text) {
    return ShellQuoting.quote(text);
  }
}
