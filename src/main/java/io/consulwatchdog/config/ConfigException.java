package io.consulwatchdog.config;

import java.nio.file.Path;
import java.util.Optional;

/** A configuration error naming the file, the field and the offending value. */
public final class ConfigException extends RuntimeException {
  private final boolean missingFile;

  private ConfigException(String message, boolean missingFile) {
    super(message);
    this.missingFile = missingFile;
  }

  /** A bad value: "FILE: FIELD: PROBLEM (got VALUE)". */
  public static ConfigException field(Optional<Path> file, String field, String problem, Object value) {
    String where = file.map(p -> p + ": ").orElse("");
    String got = value == null ? "" : " (got " + quote(value) + ")";
    return new ConfigException(where + field + ": " + problem + got, false);
  }

  /** The config file itself cannot be read. */
  public static ConfigException missing(Path file, String why) {
    return new ConfigException(file + ": " + why, true);
  }

  /** The file is not valid YAML. */
  public static ConfigException syntax(Path file, String why) {
    return new ConfigException(file + ": not valid YAML: " + why, false);
  }

  /** The file is not UTF-8: names the offset of the first byte that is not, and its line. */
  public static ConfigException notUtf8(Path file, int byteOffset, int line) {
    return new ConfigException(file + ": not valid UTF-8 at byte " + byteOffset + " (line " + line
        + "); save the file as UTF-8", false);
  }

  /** True when the file could not be read at all (sysexits 66 rather than 78). */
  public boolean missingFile() {
    return missingFile;
  }

  private static String quote(Object value) {
    String s = String.valueOf(value);
    return value instanceof CharSequence ? "\"" + s + "\"" : s;
  }
}
