package io.consulwatchdog.execute;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.regex.Pattern;

/** A POSIX permission mode written in octal ("0640"); setuid, setgid and sticky bits are refused. */
record FileMode(String octal, Set<PosixFilePermission> permissions) {
  private static final Pattern OCTAL = Pattern.compile("0?[0-7]{3}");

  /** Parses "0640" or "640"; throws IllegalArgumentException with a readable message otherwise. */
  static FileMode parse(String mode) {
    if (mode == null || !OCTAL.matcher(mode).matches()) {
      throw new IllegalArgumentException("mode must be octal like 0640 (no setuid/setgid/sticky bits), got " + mode);
    }
    String digits = mode.length() == 4 ? mode.substring(1) : mode;
    StringBuilder rwx = new StringBuilder();
    for (char c : digits.toCharArray()) {
      int v = c - '0';
      rwx.append((v & 4) != 0 ? 'r' : '-').append((v & 2) != 0 ? 'w' : '-').append((v & 1) != 0 ? 'x' : '-');
    }
    return new FileMode("0" + digits, PosixFilePermissions.fromString(rwx.toString()));
  }
}
