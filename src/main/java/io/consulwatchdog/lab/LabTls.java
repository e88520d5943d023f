package io.consulwatchdog.lab;

import io.consulwatchdog.config.TlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The TLS setup of a lab started with {@link LabOptions#withTls()}: a CA and certificates made by
 * Consul's own {@code consul tls} (keys in Consul's SEC1 "EC PRIVATE KEY" form). Every server serves
 * only HTTPS on port 8501 ({@code ports { http = -1, https = 8501 }}) with {@code verify_incoming},
 * {@code verify_outgoing} and {@code verify_server_hostname}, so the HTTP API refuses callers without a
 * client certificate of the lab's CA and the servers talk RPC over TLS too.
 */
public final class LabTls {
  private static final long COMMAND_TIMEOUT_SECONDS = 30;
  private static final String OUTPUT = "consul-tls-output.txt";

  private final Path binary;
  private final Path dir;

  private LabTls(Path binary, Path dir) {
    this.binary = binary;
    this.dir = dir;
  }

  /** Creates the CA and one client certificate in dir with {@code consul tls}. */
  static LabTls create(Path binary, Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LabException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    LabTls tls = new LabTls(binary, dir);
    LabCommand.runOrThrow(List.of(binary.toString(), "tls", "ca", "create"), dir, OUTPUT, COMMAND_TIMEOUT_SECONDS);
    LabCommand.runOrThrow(List.of(binary.toString(), "tls", "cert", "create", "-client", "-dc", "dc1"), dir, OUTPUT,
        COMMAND_TIMEOUT_SECONDS);
    return tls;
  }

  /** The CA certificate (PEM) that signed every server and client certificate of the lab. */
  public Path caFile() {
    return dir.resolve("consul-agent-ca.pem");
  }

  /** The client certificate (PEM) the lab itself and a watchdog present. */
  public Path clientCertFile() {
    return dir.resolve("dc1-client-consul-0.pem");
  }

  /** The client certificate's private key (PEM, SEC1 "EC PRIVATE KEY", as consul tls writes it). */
  public Path clientKeyFile() {
    return dir.resolve("dc1-client-consul-0-key.pem");
  }

  /** The watchdog's TLS settings for this lab: the lab's CA, its client certificate, verification on. */
  public TlsConfig clientConfig() {
    return new TlsConfig(Optional.of(caFile()), Optional.of(clientCertFile()), Optional.of(clientKeyFile()), false);
  }

  /**
   * Makes the server's own certificate (for server.dc1.consul and its address) in its directory and
   * writes its tls.hcl, which the server loads with -config-file.
   */
  void configure(LabServer server) {
    LabCommand.runOrThrow(List.of(binary.toString(), "tls", "cert", "create", "-server", "-dc", "dc1",
        "-ca", caFile().toString(), "-key", dir.resolve("consul-agent-ca-key.pem").toString(),
        "-additional-ipaddress", server.address()), server.dir(), OUTPUT, COMMAND_TIMEOUT_SECONDS);
    String hcl = """
        ca_file = "%s"
        cert_file = "%s"
        key_file = "%s"
        verify_incoming = true
        verify_outgoing = true
        verify_server_hostname = true
        ports {
          http = -1
          https = %d
        }
        """.formatted(caFile(), server.dir().resolve("dc1-server-consul-0.pem"),
        server.dir().resolve("dc1-server-consul-0-key.pem"), LabServer.HTTPS_PORT);
    try {
      Files.writeString(server.tlsConfigFile(), hcl, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LabException("cannot write " + server.tlsConfigFile() + ": " + e.getMessage(), e);
    }
  }
}
