package io.consulwatchdog.cli;

import picocli.CommandLine;

/** The one place where subcommands are registered. */
final class Subcommands {
  private Subcommands() {}

  static void register(CommandLine cl) {
    // subcommands are added here as they are built
  }
}
