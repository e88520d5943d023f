package io.consulwatchdog.cli;

import io.consulwatchdog.config.ConfigException;
import picocli.CommandLine;

/** sysexits-style exit codes and the picocli handlers that map errors onto them. */
public final class ExitCodes {
  public static final int USAGE = 64;
  public static final int NO_INPUT = 66;
  /** The service is unavailable: no daemon answers, or it failed. */
  public static final int UNAVAILABLE = 69;
  public static final int SOFTWARE = 70;
  /** Try again later: another daemon holds a cluster's lock. */
  public static final int TEMPFAIL = 75;
  /** Permission denied: a token is missing or wrong, or a file cannot be read. */
  public static final int NO_PERMISSION = 77;
  public static final int CONFIG = 78;

  private ExitCodes() {}

  /** Prints a usage error with the command's usage and exits 64. */
  static final class UsageHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      cl.getErr().println("consul-watchdog: " + ex.getMessage());
      cl.usage(cl.getErr());
      return USAGE;
    }
  }

  /** Maps config errors to 78 with their one-line message, anything else to 70. */
  static final class ExceptionHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
      if (ex instanceof ConfigException ce) {
        cl.getErr().println("consul-watchdog: " + ce.getMessage());
        return ce.missingFile() ? NO_INPUT : CONFIG;
      }
      cl.getErr().println("consul-watchdog: internal error: " + ex);
      ex.printStackTrace(cl.getErr());
      return SOFTWARE;
    }
  }
}
