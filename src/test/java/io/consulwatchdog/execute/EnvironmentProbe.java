package io.consulwatchdog.execute;

import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.plan.AgentOperation.Start;
import java.time.Duration;
import java.util.List;

/**
 * A child-JVM program for LocalProcessExecutorTest: runs {@code /usr/bin/env} through the local executor and
 * prints what the command saw, so the test can tell which of this JVM's variables a command inherits.
 */
public final class EnvironmentProbe {
  private EnvironmentProbe() {}

  /** Runs the program; it takes no arguments. */
  public static void main(String[] args) {
    ExecutionResult seen = new LocalProcessExecutor(new LocalExecutorConfig(List.of("/bin/true"),
        List.of("/usr/bin/env"), List.of())).run(new Start(), Duration.ofSeconds(10));
    System.out.println("exit " + seen.exitCode());
    System.out.print(seen.stdout());
    System.exit(seen.success() ? 0 : 1);
  }
}
