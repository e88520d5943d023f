package io.consulwatchdog.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the consul-watchdog command line. */
@Command(
    name = "consul-watchdog",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Watches HashiCorp Consul server clusters, tells a normal leader election from a cluster stuck without a leader (hashicorp/consul#993), and heals it through guarded, audited recoveries.",
      "",
      "Start with: consul-watchdog check --server http://HOST:8500 (one --server per Consul server), then write a config (config/consul-watchdog.example.yml), check it with validate, and run the daemon in detect-only mode first."
    },
    subcommands = {CommandLine.HelpCommand.class},
    footer = {
      "",
      "Exit codes: 0 ok/healthy, 1 degraded, 2 leaderless or quorum lost, 3 unobservable, 64 usage error, 66 input file missing, 70 internal error, 75 another daemon already watches a cluster (run), 78 configuration error.",
      "Run 'consul-watchdog help COMMAND' for a command's options."
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Prints usage when no subcommand is given. */
  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /** Builds the command line with every subcommand registered. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    Subcommands.register(cl);
    cl.setExecutionExceptionHandler(new ExitCodes.ExceptionHandler());
    cl.setParameterExceptionHandler(new ExitCodes.UsageHandler());
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
