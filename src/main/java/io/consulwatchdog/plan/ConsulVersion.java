package io.consulwatchdog.plan;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Consul version strings such as "1.8.7", "v0.6.4" or "1.9.0-beta1". */
final class ConsulVersion {
  private static final Pattern VERSION = Pattern.compile("^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  private ConsulVersion() {}

  /** Major, minor and patch, or empty when the string is not a version. */
  static Optional<int[]> parse(String version) {
    Matcher m = VERSION.matcher(version == null ? "" : version.trim());
    if (!m.find()) {
      return Optional.empty();
    }
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return Optional.of(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch});
  }

  /** True when the version is older than major.minor. */
  static boolean below(int[] version, int major, int minor) {
    return version[0] < major || (version[0] == major && version[1] < minor);
  }
}
