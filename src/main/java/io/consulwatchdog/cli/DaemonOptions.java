package io.consulwatchdog.cli;

import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.WatchdogConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The options of the commands that talk to the running daemon: --address, and who the operator is. */
final class DaemonOptions {
  @Option(names = "--address", paramLabel = "HOST:PORT",
      description = "Where the daemon listens (default: listen_address of the config).")
  String address;

  /**
   * A client for the daemon of the config. The config is read for its syntax only (the files it names, such as
   * tokens under ${CREDENTIALS_DIRECTORY}, are the daemon's business); control_token_file is read when needed.
   */
  DaemonClient client(CommandLine.Model.CommandSpec spec, ConfigOptions configOptions) {
    return DaemonClient.of(config(spec, configOptions), address);
  }

  /** The config, read for its syntax only. */
  static WatchdogConfig config(CommandLine.Model.CommandSpec spec, ConfigOptions configOptions) {
    return configOptions.load(spec, false, new ConfigLoader().syntaxOnly());
  }

  /** The operating-system user running the command (the one behind sudo, if any): recorded as the owner. */
  static String operator() {
    String sudoUser = System.getenv("SUDO_USER");
    return sudoUser != null && !sudoUser.isBlank() ? sudoUser : System.getProperty("user.name", "unknown");
  }
}
