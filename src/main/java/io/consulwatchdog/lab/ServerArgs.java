package io.consulwatchdog.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The Consul command line of one lab server, as ctl.sh reads it from consul.args (no secrets in it). */
final class ServerArgs {
  private ServerArgs() {}

  /**
   * The binary and arguments that start the server: on its own address with default ports (no DNS, no
   * gRPC), raft_multiplier from the options, retry-joining the others, plus the ACL and TLS config files.
   */
  static List<String> of(Path binary, LabOptions options, LabServer server, Collection<LabServer> others,
      Optional<LabAcl> acl, boolean tls) {
    List<String> argv = new ArrayList<>(List.of(
        binary.toString(), "agent", "-server",
        "-bootstrap-expect=" + options.servers(),
        "-node=" + server.name(),
        "-bind=" + server.address(),
        "-client=" + server.address(),
        "-advertise=" + server.address(),
        "-disable-host-node-id=true",
        "-hcl=ports { dns = -1 grpc = -1 }",
        "-hcl=performance { raft_multiplier = " + options.raftMultiplier() + " }",
        "-hcl=leave_on_terminate = false",
        "-retry-interval=1s"));
    acl.ifPresent(a -> argv.add("-config-file=" + a.configFile()));
    if (tls) {
      argv.add("-config-file=" + server.tlsConfigFile());
    }
    others.stream().filter(o -> o != server).forEach(o -> argv.add("-retry-join=" + o.address()));
    return argv;
  }
}
