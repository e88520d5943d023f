package io.consulwatchdog.execute;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The fixed shell lines the SSH executor runs for file operations. Every command runs as the owner of
 * Consul's data dir behind the configured prefix ({@code sudo -n -u consul}), never as root, and every
 * argument is single-quoted. Fixed commands rather than SFTP because SFTP cannot switch users, while
 * these exact argv lists can be allowed one by one in sudoers (see systemd/sudoers.d/consul-watchdog).
 * None of them writes through a symbolic link. Needs a POSIX login shell and GNU coreutils and diffutils
 * on the remote host.
 *
 * <ul>
 *   <li>WriteFile: {@code umask U; test ! -L PATH} (refused if a link){@code ; dd if=/dev/null of=TMP
 *       oflag=nofollow conv=excl} (creates a fresh, uniquely named TMP, refusing any existing name or link)
 *       {@code ; dd of=TMP oflag=nofollow conv=fsync} (content on stdin){@code ; mv -f -T --
 *       TMP PATH}; on failure after creating TMP: {@code rm -f -- TMP}. The mode comes from the umask,
 *       so it must lie within 0644 (sudo ORs its own 0022 into the umask), and no chown is needed.
 *   <li>RemoveFile: {@code rm -f -- PATH} (refuses a directory; removes a link itself).
 *   <li>MoveDirectory: {@code test -d SRC; test ! -L SRC; test ! -e DST; mv -T -- SRC DST}; when SRC is
 *       gone and DST a directory, it reports "already moved".
 *   <li>BackupDirectory: {@code test -d SRC; test ! -L SRC; diff -r -q --no-dereference -- SRC DST} (0: done
 *       already, 1: refuse, else go on){@code ; rm -rf -- DST.tmp; cp -a -- SRC DST.tmp; mv -T -- DST.tmp DST}.
 *   <li>ReadFile: {@code cat -- PATH}.
 * </ul>
 */
final class RemoteFileCommands {
  /** Modes a file written over SSH can have: dd creates it 0666 minus the umask, and sudo adds 0022. */
  private static final int SETTABLE_MODE_BITS = 0644;

  private final List<String> prefix;
  private final String owner;
  private final Supplier<String> tokens;

  /** Runs the commands as {@code <prefix> -u <owner>} (prefix alone when owner is ""), with random temp names. */
  RemoteFileCommands(List<String> prefix, String owner) {
    this(prefix, owner, LocalFiles::newToken);
  }

  /** As above, with the tokens of temporary names taken from the given supplier (tests plant links there). */
  RemoteFileCommands(List<String> prefix, String owner, Supplier<String> tokens) {
    this.prefix = List.copyOf(prefix);
    this.owner = owner;
    this.tokens = tokens;
  }

  /**
   * One file operation's shell line and the argv lists it runs as the file owner (each behind the
   * prefix), so that CheckReady can ask sudo about exactly these and tests can match them with sudoers.
   */
  record Script(String line, List<List<String>> ownerCommands) {}

  /** The argv prefix that runs a command as the file owner: {@code sudo -n -u consul}. */
  List<String> ownerPrefix() {
    List<String> all = new ArrayList<>(prefix);
    if (!owner.isEmpty()) {
      all.add("-u");
      all.add(owner);
    }
    return all;
  }

  /** The line that writes stdin to path atomically with the mode, through a fresh temporary file. */
  Script write(String path, String mode) {
    FileMode m = FileMode.parse(mode);
    int bits = Integer.parseInt(m.octal(), 8);
    if ((bits & ~SETTABLE_MODE_BITS) != 0) {
      throw new IllegalArgumentException("mode " + m.octal() + " cannot be set over ssh: the file is created under"
          + " a umask (sudo adds 0022) and never chmod-ed; use a mode within 0644, e.g. 0640");
    }
    parent(path);
    String tmp = LocalFiles.temporaryFileFor(path, tokens.get());
    Builder b = new Builder();
    String umask = String.format("%04o", 0777 & ~bits);
    return b.script("umask " + umask + " && "
        + "if ! " + b.own("test", "!", "-L", path) + "; then echo " + quote("write-file " + path + ": refused: "
            + path + " is a symbolic link (or the check was not allowed)") + " >&2; exit 1; fi && "
        + b.own("dd", "if=/dev/null", "of=" + tmp, "oflag=nofollow", "conv=excl", "status=none") + " && { "
        + b.own("dd", "of=" + tmp, "oflag=nofollow", "conv=fsync", "status=none") + " && "
        + b.own("mv", "-f", "-T", "--", tmp, path) + " || { "
        + b.own("rm", "-f", "--", tmp) + "; exit 1; }; }");
  }

  /** The line that prints a file. */
  Script read(String path) {
    parent(path);
    Builder b = new Builder();
    return b.script(b.own("cat", "--", path));
  }

  /** The line that removes a file (a link itself) if it is there; a directory is refused by rm. */
  Script remove(String path) {
    parent(path);
    Builder b = new Builder();
    return b.script(b.own("rm", "-f", "--", path) + " && echo " + quote("removed " + path + " (if it was there)"));
  }

  /** The line that renames a directory to a name that does not exist yet; "already moved" is success. */
  Script move(String source, String target) {
    parent(source);
    parent(target);
    Builder b = new Builder();
    return b.script("if " + b.own("test", "-d", source) + " && " + b.own("test", "!", "-L", source) + "; then "
        + "if " + b.own("test", "!", "-e", target) + "; then " + b.own("mv", "-T", "--", source, target)
        + " && echo " + quote("moved " + source + " to " + target) + "; else echo "
        + quote("move-directory: refused: target " + target + " exists") + " >&2; exit 1; fi; "
        + "elif " + b.own("test", "!", "-e", source) + " && " + b.own("test", "-d", target) + " && "
        + b.own("test", "!", "-L", target) + "; then echo "
        + quote("already moved: " + source + " is gone and " + target + " is there") + "; "
        + "else echo " + quote("move-directory: " + source + " is no directory (or a symbolic link) and " + target
            + " is not the moved directory") + " >&2; exit 1; fi");
  }

  /** The line that copies a tree to target through target.tmp; an identical target is success. */
  Script backup(String source, String target) {
    parent(source);
    parent(target);
    String tmp = LocalBackup.temporaryDirectoryFor(target);
    Builder b = new Builder();
    return b.script("{ " + b.own("test", "-d", source) + " && " + b.own("test", "!", "-L", source) + "; } || { echo "
        + quote("backup-directory: source " + source + " is no directory (or a symbolic link)") + " >&2; exit 1; }; "
        + b.own("diff", "-r", "-q", "--no-dereference", "--", source, target) + " >/dev/null 2>&1; s=$?; "
        + "if [ $s -eq 0 ]; then echo " + quote("backup already present: " + target) + "; exit 0; fi; "
        + "if [ $s -eq 1 ]; then echo " + quote("target " + target + " exists with other content")
        + " >&2; exit 1; fi; "
        + String.join(" && ", b.own("rm", "-rf", "--", tmp), b.own("cp", "-a", "--", source, tmp),
            b.own("mv", "-T", "--", tmp, target)));
  }

  /** Collects the owner commands of one line while it is written. */
  private final class Builder {
    private final List<List<String>> commands = new ArrayList<>();

    /** The quoted command line that runs argv as the file owner. */
    String own(String... argv) {
      commands.add(List.of(argv));
      List<String> all = ownerPrefix();
      all.addAll(List.of(argv));
      return ShellQuoting.quote(all);
    }

    Script script(String line) {
      return new Script(line, List.copyOf(commands));
    }
  }

  private static String quote(String text) {
    return ShellQuoting.quote(text);
  }

  /** The parent of an absolute, normalized path; refuses relative, unnormalized and root paths. */
  static String parent(String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute() || p.getParent() == null || !p.normalize().equals(p)) {
      throw new IllegalArgumentException("path must be absolute, normalized and not the root: " + path);
    }
    return p.getParent().toString();
  }
}
