package io.consulwatchdog.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/** The version this build was made from, as printed by --version and exported as consul_watchdog_build_info. */
public final class BuildInfo {
  private static final String RESOURCE = "build.properties";
  private static final String UNKNOWN = "unknown";

  private BuildInfo() {}

  /** The project version written by Maven at build time, else the jar manifest's, else "unknown". */
  public static String version() {
    return fromResource().or(BuildInfo::fromManifest).orElse(UNKNOWN);
  }

  private static Optional<String> fromResource() {
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return Optional.empty();
      }
      Properties p = new Properties();
      p.load(in);
      // an unfiltered copy (an IDE that skips Maven's filtering) still says ${project.version}
      return Optional.ofNullable(p.getProperty("version")).map(String::strip)
          .filter(v -> !v.isEmpty() && !v.contains("${"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static Optional<String> fromManifest() {
    return Optional.ofNullable(BuildInfo.class.getPackage().getImplementationVersion());
  }
}
