package io.consulwatchdog.cli;

import picocli.CommandLine;

/** The one place where subcommands are registered. */
final class Subcommands {
  private Subcommands() {}

  static void register(CommandLine cl) {
    cl.addSubcommand(new CheckCommand());
    cl.addSubcommand(new RunCommand());
    cl.addSubcommand(new ValidateCommand());
    cl.addSubcommand(new PlanCommand());
    cl.addSubcommand(new StatusCommand());
    cl.addSubcommand(new PauseCommand());
    cl.addSubcommand(new ResumeCommand());
    cl.addSubcommand(new AckCommand());
    cl.addSubcommand(new HistoryCommand());
    cl.addSubcommand(new RetireCommand());
    cl.addSubcommand(new DemoCommand());
    cl.addSubcommand(new CompletionCommand());
  }
}
