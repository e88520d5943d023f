package io.consulwatchdog.cli;

import io.consulwatchdog.config.AdHocRequest;
import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.Durations;
import io.consulwatchdog.config.WatchdogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The --config / --server options shared by the commands that talk to a cluster. */
public final class ConfigOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML config file (see config/consul-watchdog.example.yml).")
  Path config;

  @Option(names = {"-s", "--server"}, paramLabel = "URL",
      description = "Ad-hoc: a server's HTTP API, e.g. http://10.0.0.1:8500; repeat for each server "
          + "(default: $CONSUL_HTTP_ADDR, https:// if CONSUL_HTTP_SSL=true). The ACL token is read from "
          + "CONSUL_HTTP_TOKEN_FILE or CONSUL_HTTP_TOKEN; CONSUL_HTTP_SSL_VERIFY=false skips certificate checks.")
  List<String> servers;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "3s",
      description = "Ad-hoc: timeout of one HTTP request (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--ca-file", paramLabel = "FILE",
      description = "Ad-hoc: CA certificate (PEM) of https:// servers (default: $CONSUL_CACERT).")
  String caFile;

  @Option(names = "--cert-file", paramLabel = "FILE",
      description = "Ad-hoc: client certificate (PEM) (default: $CONSUL_CLIENT_CERT).")
  String certFile;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "Ad-hoc: the client certificate's key (PEM) (default: $CONSUL_CLIENT_KEY).")
  String keyFile;

  /** Loads the config file, or builds an ad-hoc config from --server; usage error if neither. */
  public WatchdogConfig load(CommandLine.Model.CommandSpec spec, boolean allowAdHoc) {
    return load(spec, allowAdHoc, new ConfigLoader());
  }

  /**
   * The same, reading a config file with the given loader (e.g. one that checks syntax only). An ad-hoc
   * config takes what the flags leave out from Consul's CONSUL_* environment variables.
   */
  public WatchdogConfig load(CommandLine.Model.CommandSpec spec, boolean allowAdHoc, ConfigLoader loader) {
    if (config != null && servers != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Give either --config or --server, not both");
    }
    if (config != null) {
      if (Stream.of(caFile, certFile, keyFile).anyMatch(f -> f != null)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--ca-file, --cert-file and --key-file are for ad-hoc checks; with --config use the cluster's tls: keys");
      }
      return loader.load(config);
    }
    if (allowAdHoc && (servers != null || loader.environmentNamesAServer())) {
      AdHocRequest request = new AdHocRequest(servers == null ? List.of() : servers, parseTimeout(spec),
          Optional.ofNullable(caFile), Optional.ofNullable(certFile), Optional.ofNullable(keyFile));
      return loader.adHoc(request, Path.of(System.getProperty("java.io.tmpdir"), "consul-watchdog-adhoc"));
    }
    throw new CommandLine.ParameterException(spec.commandLine(),
        allowAdHoc ? "Missing --config FILE or --server URL (or CONSUL_HTTP_ADDR)" : "Missing --config FILE");
  }

  private Duration parseTimeout(CommandLine.Model.CommandSpec spec) {
    return Durations.parse(timeout).filter(d -> !d.isZero()).orElseThrow(() ->
        new CommandLine.ParameterException(spec.commandLine(),
            "--timeout: must be a duration like 500ms or 3s (got \"" + timeout + "\")"));
  }
}
