package io.consulwatchdog.config;

import java.nio.file.Path;
import java.util.Optional;

/** TLS settings for the Consul HTTP API; skipVerify disables certificate checks and is logged loudly. */
public record TlsConfig(
    Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile, boolean skipVerify) {

  /** No client certificate, default trust store, verification on. */
  public static TlsConfig defaults() {
    return new TlsConfig(Optional.empty(), Optional.empty(), Optional.empty(), false);
  }
}
