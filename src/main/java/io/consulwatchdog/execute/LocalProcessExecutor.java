package io.consulwatchdog.execute;

import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import java.time.Duration;
import java.util.List;

/**
 * Controls an agent on the watchdog's own host by running the configured argv lists (never a shell);
 * file operations run in-process through {@link LocalFiles}. CheckReady checks that each argv's program
 * resolves to an executable file (through PATH like ProcessBuilder) and the file operations' directories.
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

      @Override
      void checkAgent(Readiness readiness, List<AgentOperation> operations) {
        LocalReadiness checks = new LocalReadiness(readiness);
        String path = System.getenv("PATH");
        for (AgentOperation op : operations) {
          if (op instanceof Stop) {
            checks.program("stop", config.stop(), path);
          } else if (op instanceof Start) {
            checks.program("start", config.start(), path);
          } else if (op instanceof Restart && config.restart().isEmpty()) {
            checks.program("restart (stop)", config.stop(), path);
            checks.program("restart (start)", config.start(), path);
          } else if (op instanceof Restart) {
            checks.program("restart", config.restart(), path);
          }
        }
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

      @Override
      String agentChecks() {
        return "the program of each stop/start/restart argv resolves to an executable file (PATH lookup, as"
            + " ProcessBuilder does)";
      }
    }.visit(operation);
  }

  /** Renders an argv list as a shell-quoted line, e.g. 'systemctl' 'stop' 'consul'. */
  static String argv(List<String> argv) {
    return argv.isEmpty() ? "(no command configured)" : ShellQuoting.quote(argv);
  }
}
