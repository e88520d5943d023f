package io.consulwatchdog.lab;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** One Consul server of a lab cluster: its name, loopback address and files in its own directory. */
public final class LabServer {
  /** Consul's server RPC port, the port of raft addresses. */
  public static final int SERVER_PORT = 8300;
  /** Consul's HTTP API port. */
  public static final int HTTP_PORT = 8500;
  /** Consul's HTTPS API port, the only API port of a TLS lab. */
  public static final int HTTPS_PORT = 8501;

  private final String name;
  private final String address;
  private final Path dir;
  private final boolean https;

  LabServer(String name, String address, Path dir, boolean https) {
    this.name = name;
    this.address = address;
    this.dir = dir;
    this.https = https;
  }

  /** The node name (-node). */
  public String name() {
    return name;
  }

  /** The loopback address it binds, advertises and serves HTTP on, e.g. 127.123.45.1. */
  public String address() {
    return address;
  }

  /** Its raft address as /v1/status/leader and peers.json write it, e.g. 127.123.45.1:8300. */
  public String raftAddress() {
    return address + ":" + SERVER_PORT;
  }

  /** Base URI of its HTTP API, e.g. http://127.123.45.1:8500, or https://127.123.45.1:8501 in a TLS lab. */
  public URI httpUri() {
    return https ? URI.create("https://" + address + ":" + HTTPS_PORT) : URI.create("http://" + address + ":" + HTTP_PORT);
  }

  /** Its own directory holding ctl.sh, consul.args, consul.pid, consul.log and data/. */
  public Path dir() {
    return dir;
  }

  /** Its -data-dir. */
  public Path dataDir() {
    return dir.resolve("data");
  }

  /** The control script: ctl.sh start|stop|restart|status. */
  public Path ctlScript() {
    return dir.resolve("ctl.sh");
  }

  /** The file holding the binary and arguments ctl.sh starts, one per line. */
  public Path argsFile() {
    return dir.resolve("consul.args");
  }

  /** The pidfile ctl.sh writes. */
  public Path pidFile() {
    return dir.resolve("consul.pid");
  }

  /** The Consul config file holding its TLS settings (TLS labs only). */
  public Path tlsConfigFile() {
    return dir.resolve("tls.hcl");
  }

  /** Consul's output. */
  public Path logFile() {
    return dir.resolve("consul.log");
  }

  /** The pid last written to the pidfile, if any (the process may have exited since). */
  public OptionalLong pid() {
    try {
      String text = Files.readString(pidFile(), StandardCharsets.UTF_8).trim();
      return text.matches("[0-9]{1,10}") ? OptionalLong.of(Long.parseLong(text)) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  /** True if the pidfile names a live Consul process running with this server's data dir. */
  public boolean running() {
    OptionalLong pid = pid();
    return pid.isPresent() && ProcessTable.isConsulOf(pid.getAsLong(), dataDir());
  }

  /** The node ID Consul wrote to data-dir/node-id, once it has started at least once. */
  public Optional<String> nodeId() {
    try {
      String id = Files.readString(dataDir().resolve("node-id"), StandardCharsets.UTF_8).trim();
      return id.isEmpty() ? Optional.empty() : Optional.of(id);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return name + "@" + address;
  }
}
