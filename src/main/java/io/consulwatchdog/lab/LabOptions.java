package io.consulwatchdog.lab;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to start a lab cluster.
 *
 * @param servers number of servers, also their -bootstrap-expect
 * @param raftMultiplier Consul's performance.raft_multiplier (1 = fastest elections)
 * @param baseDir where the servers' directories go; empty means a fresh dir under target/lab or java.io.tmpdir
 * @param namePrefix prefix of node names and of the base dir (lowercase letters, digits, dashes)
 * @param acl ACLs in default-deny mode with a management token and an agent_master token (see {@link LabAcl})
 * @param tls an HTTPS-only API requiring client certificates, TLS between servers too (see {@link LabTls})
 */
public record LabOptions(int servers, int raftMultiplier, Optional<Path> baseDir, String namePrefix, boolean acl,
    boolean tls) {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

  public LabOptions {
    if (servers < 1 || servers > 9) {
      throw new IllegalArgumentException("servers must be 1..9, was " + servers);
    }
    if (raftMultiplier < 1 || raftMultiplier > 10) {
      throw new IllegalArgumentException("raftMultiplier must be 1..10, was " + raftMultiplier);
    }
    if (!NAME.matcher(namePrefix).matches()) {
      throw new IllegalArgumentException("namePrefix must match " + NAME + ", was " + namePrefix);
    }
  }

  /** Three servers, raft_multiplier 1, a fresh base dir, prefix "lab", no ACLs, plain HTTP. */
  public static LabOptions defaults() {
    return new LabOptions(3, 1, Optional.empty(), "lab", false, false);
  }

  /** A copy with another number of servers. */
  public LabOptions withServers(int count) {
    return new LabOptions(count, raftMultiplier, baseDir, namePrefix, acl, tls);
  }

  /** A copy with another name prefix. */
  public LabOptions withNamePrefix(String prefix) {
    return new LabOptions(servers, raftMultiplier, baseDir, prefix, acl, tls);
  }

  /** A copy whose cluster runs ACLs with default_policy "deny" and two random tokens (see {@link LabAcl}). */
  public LabOptions withAcl() {
    return new LabOptions(servers, raftMultiplier, baseDir, namePrefix, true, tls);
  }

  /** A copy whose cluster serves only HTTPS and requires client certificates (see {@link LabTls}). */
  public LabOptions withTls() {
    return new LabOptions(servers, raftMultiplier, baseDir, namePrefix, acl, true);
  }
}
