package io.consulwatchdog.execute;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed shell lines the SSH executor runs for file operations, each command behind the configured
 * prefix (e.g. sudo -n) and every argument single-quoted. Fixed commands rather than SFTP because a
 * Consul data dir belongs to the consul user: SFTP cannot use sudo, while these exact argv lists can be
 * allowed one by one in sudoers (see systemd/sudoers.d/consul-watchdog). Needs a POSIX login shell and
 * GNU coreutils and diffutils on the remote host.
 *
 * <ul>
 *   <li>WriteFile: {@code install -m MODE -T /dev/null TMP; chown --reference=DIR -- TMP;
 *       dd of=TMP conv=fsync status=none} (content on stdin){@code ; mv -f -T -- TMP PATH}, joined by &&.
 *   <li>BackupDirectory: {@code diff -r -q --no-dereference -- SRC DST} (0: done already, 1: refuse,
 *       else go on){@code ; rm -rf -- DST.tmp; cp -a -- SRC DST.tmp; mv -T -- DST.tmp DST}.
 *   <li>ReadFile: {@code cat -- PATH}.
 * </ul>
 */
final class RemoteFileCommands {
  private final List<String> prefix;

  /** Uses the given argv prefix (may be empty) in front of every file command. */
  RemoteFileCommands(List<String> prefix) {
    this.prefix = List.copyOf(prefix);
  }

  /** The shell line that writes stdin to path atomically with the mode and the directory's owner. */
  String write(String path, String mode) {
    FileMode m = FileMode.parse(mode);
    String dir = parent(path);
    String tmp = LocalFiles.temporaryFileFor(path);
    return String.join(" && ",
        cmd("install", "-m", m.octal(), "-T", "/dev/null", tmp),
        cmd("chown", "--reference=" + dir, "--", tmp),
        cmd("dd", "of=" + tmp, "conv=fsync", "status=none"),
        cmd("mv", "-f", "-T", "--", tmp, path));
  }

  /** The shell line that prints a file. */
  String read(String path) {
    parent(path);
    return cmd("cat", "--", path);
  }

  /** The shell line that copies a tree to target through target.tmp; an identical target is success. */
  String backup(String source, String target) {
    parent(source);
    parent(target);
    String tmp = LocalFiles.temporaryDirectoryFor(target);
    return cmd("diff", "-r", "-q", "--no-dereference", "--", source, target) + " >/dev/null 2>&1; s=$?; "
        + "if [ $s -eq 0 ]; then echo " + ShellQuoting.quote("backup already present: " + target) + "; exit 0; fi; "
        + "if [ $s -eq 1 ]; then echo " + ShellQuoting.quote("target " + target + " exists with other content")
        + " >&2; exit 1; fi; "
        + String.join(" && ", cmd("rm", "-rf", "--", tmp), cmd("cp", "-a", "--", source, tmp),
            cmd("mv", "-T", "--", tmp, target));
  }

  private String cmd(String... argv) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(argv));
    return ShellQuoting.quote(all);
  }

  private static String parent(String path) {
    Path p = Path.of(path);
    if (!p.isAbsolute() || p.getParent() == null || !p.normalize().equals(p)) {
      throw new IllegalArgumentException("path must be absolute, normalized and not the root: " + path);
    }
    return p.getParent().toString();
  }
}
