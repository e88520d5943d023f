package io.consulwatchdog.cli;

import io.consulwatchdog.metrics.BuildInfo;
import picocli.CommandLine;

/** Reports the version the build wrote into the jar (see metrics.BuildInfo). */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"consul-watchdog " + BuildInfo.version()};
  }
}
