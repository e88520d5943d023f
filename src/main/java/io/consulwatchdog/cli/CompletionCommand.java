package io.consulwatchdog.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `consul-watchdog completion`: prints the bash completion script picocli generates for the whole command line. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    header = "Print the bash completion script (also fine for zsh with bashcompinit).",
    description = {
      "Print a bash completion script for consul-watchdog and its subcommands. Load it for this shell with",
      "  source <(consul-watchdog completion)",
      "or install it once: consul-watchdog completion > /etc/bash_completion.d/consul-watchdog",
      "(the Debian package installs it under /usr/share/bash-completion/completions/)."
    })
public final class CompletionCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash(root.getCommandName(), root));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
