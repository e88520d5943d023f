package io.consulwatchdog.cli;

import io.consulwatchdog.config.WatchdogConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `consul-watchdog validate`: load the config, report the first error or print the effective config. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    header = "Validate a config file and print the effective config, secrets masked.",
    description = {
      "Load and validate the config file, then print the effective configuration (defaults filled in, secrets masked). Exits 0 when valid, 78 with a message naming the file, field and value when not."
    })
public final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Override
  public Integer call() throws Exception {
    WatchdogConfig config = configOptions.load(spec, false);
    spec.commandLine().getOut().println("# " + config.source().map(Object::toString).orElse("") + ": valid");
    spec.commandLine().getOut().println(EffectiveConfig.yaml(config));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
