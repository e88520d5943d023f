package io.consulwatchdog.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the command line says about an ad-hoc cluster (`check --server ...`); whatever it leaves out
 * comes from Consul's own CONSUL_* environment variables.
 *
 * @param servers the --server addresses; empty to use CONSUL_HTTP_ADDR
 * @param requestTimeout timeout of one HTTP request
 * @param caFile --ca-file, else CONSUL_CACERT
 * @param certFile --cert-file, else CONSUL_CLIENT_CERT
 * @param keyFile --key-file, else CONSUL_CLIENT_KEY
 */
public record AdHocRequest(List<String> servers, Duration requestTimeout, Optional<String> caFile,
    Optional<String> certFile, Optional<String> keyFile) {

  public AdHocRequest {
    servers = List.copyOf(servers);
  }

  /** Only server addresses and a timeout: everything else from the environment. */
  public static AdHocRequest of(List<String> servers, Duration requestTimeout) {
    return new AdHocRequest(servers, requestTimeout, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
