package io.consulwatchdog.execute;

import java.util.List;
import java.util.stream.Collectors;

/** Quotes argv for a POSIX shell so that every element arrives as exactly one argument, unchanged. */
public final class ShellQuoting {
  private ShellQuoting() {}

  /**
   * Single-quotes one argument, writing each ' as '\''. Every argument is quoted, even plain words,
   * so that no word can turn into a variable assignment, glob, or keyword.
   */
  public static String quote(String arg) {
    if (arg.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("an argument cannot contain a NUL byte");
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /** Quotes every element and joins them with spaces. */
  public static String quote(List<String> argv) {
    return argv.stream().map(ShellQuoting::quote).collect(Collectors.joining(" "));
  }
}
