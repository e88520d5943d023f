package io.consulwatchdog.cli;

import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.Durations;
import io.consulwatchdog.config.WatchdogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The --config / --server options shared by the commands that talk to a cluster. */
public final class ConfigOptions {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "YAML config file (see config/consul-watchdog.example.yml).")
  Path config;

  @Option(names = {"-s", "--server"}, paramLabel = "URL",
      description = "Ad-hoc: a server's HTTP API, e.g. http://10.0.0.1:8500; repeat for each server. "
          + "The ACL token is read from CONSUL_HTTP_TOKEN.")
  List<String> servers;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "3s",
      description = "Ad-hoc: timeout of one HTTP request (default: ${DEFAULT-VALUE}).")
  String timeout;

  /** Loads the config file, or builds an ad-hoc config from --server; usage error if neither. */
  public WatchdogConfig load(CommandLine.Model.CommandSpec spec, boolean allowAdHoc) {
    if (config != null && servers != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "Give either --config or --server, not both");
    }
    if (config != null) {
      return new ConfigLoader().load(config);
    }
    if (servers != null && allowAdHoc) {
      Duration t = parseTimeout(spec);
      return new ConfigLoader().adHoc(servers, Path.of(System.getProperty("java.io.tmpdir"), "consul-watchdog-adhoc"), t);
    }
    throw new CommandLine.ParameterException(spec.commandLine(),
        allowAdHoc ? "Missing --config FILE or --server URL" : "Missing --config FILE");
  }

  private Duration parseTimeout(CommandLine.Model.CommandSpec spec) {
    return Durations.parse(timeout).filter(d -> !d.isZero()).orElseThrow(() ->
        new CommandLine.ParameterException(spec.commandLine(),
            "--timeout: must be a duration like 500ms or 3s (got \"" + timeout + "\")"));
  }
}
