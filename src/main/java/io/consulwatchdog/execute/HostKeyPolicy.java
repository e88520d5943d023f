package io.consulwatchdog.execute;

import java.nio.file.Path;

/**
 * How one SSH target's host key is checked: against a known_hosts file, strictly unless trust on first
 * use is on.
 *
 * @param host the host name as configured (known_hosts entries are matched against it)
 * @param port the SSH port ([host]:port entries for ports other than 22)
 * @param knownHostsFile the known_hosts file
 * @param trustOnFirstUse record and accept a host key when the host has none on file
 */
record HostKeyPolicy(String host, int port, Path knownHostsFile, boolean trustOnFirstUse) {

  /** The target as people write it, host:port. */
  String where() {
    return host + ":" + port;
  }

  /** The host pattern a new known_hosts line uses: host, or [host]:port for ports other than 22. */
  String knownHostsPattern() {
    return port == 22 ? host : "[" + host + "]:" + port;
  }
}
