package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.config.LocalExecutorConfig;
import java.time.Duration;
import java.util.List;

/**
 * Controls an agent on the watchdog's own host by running the configured argv lists (never a shell);
 * file operations run in-process through {@link LocalFiles}.
 */
public final class LocalProcessExecutor implements AgentExecutor {
  private final LocalExecutorConfig config;

  /** Creates an executor for the given stop/start/restart commands. */
  public LocalProcessExecutor(LocalExecutorConfig config) {
    this.config = config;
  }

  @Override
  public ExecutionResult run(AgentOperation operation, Duration timeout) {
    return new LocalFileOperations() {
      @Override
      public ExecutionResult stop() {
        return ProcessRunner.run(config.stop(), timeout);
      }

      @Override
      public ExecutionResult start() {
        return ProcessRunner.run(config.start(), timeout);
      }

      @Override
      public ExecutionResult restart() {
        return config.restart().isEmpty()
            ? StopThenStart.run(t -> ProcessRunner.run(config.stop(), t), t -> ProcessRunner.run(config.start(), t),
                timeout)
            : ProcessRunner.run(config.restart(), timeout);
      }
    }.visit(operation);
  }

  @Override
  public String describe(AgentOperation operation) {
    return "local: " + new LocalFileOperations.Described() {
      @Override
      public String stop() {
        return "run " + argv(config.stop());
      }

      @Override
      public String start() {
        return "run " + argv(config.start());
      }

      @Override
      public String restart() {
        return config.restart().isEmpty()
            ? "run " + argv(config.stop()) + ", then " + argv(config.start())
            : "run " + argv(config.restart());
      }
    }.visit(operation);
  }

  /** Renders an argv list as a shell-quoted line, e.g. 'systemctl' 'stop' 'consul'. */
  static String argv(List<String> argv) {
    return argv.isEmpty() ? "(no command configured)" : ShellQuoting.quote(argv);
  }
}
