package io.consulwatchdog.cli;

import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.WatchdogConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `consul-watchdog validate`: load the config, report the first error or print the effective config. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    header = "Validate a config file and print the effective config, secrets masked.",
    description = {
      "Load and validate the config file, then print the effective configuration (defaults filled in, secrets masked). Exits 0 when valid, 78 with a message naming the file, field and value when not."
    })
public final class ValidateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ConfigOptions configOptions;

  @Option(names = "--syntax-only",
      description = "Check syntax, keys and values only: do not open the files the config names (token, TLS, SSH "
          + "key, known_hosts) nor read its environment variables. For linting configs in CI.")
  boolean syntaxOnly;

  @Override
  public Integer call() throws Exception {
    ConfigLoader loader = syntaxOnly ? new ConfigLoader().syntaxOnly() : new ConfigLoader();
    WatchdogConfig config = configOptions.load(spec, false, loader);
    spec.commandLine().getOut().println("# " + config.source().map(Object::toString).orElse("") + ": valid"
        + (syntaxOnly ? " (syntax only: referenced files and environment variables not checked)" : ""));
    spec.commandLine().getOut().println(EffectiveConfig.yaml(config));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
