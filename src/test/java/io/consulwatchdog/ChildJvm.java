package io.consulwatchdog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of this build in a child JVM (same classpath) and collects its exit code and its
 * output: for what only a separate process shows (a lock held by another process, an inherited environment).
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * What the child did.
   *
   * @param exit its exit code
   * @param output stdout and stderr, interleaved
   */
  public record Result(int exit, String output) {}

  /**
   * Runs the class's main with the arguments and extra environment variables, and waits for it; the child is
   * killed (by its PID) when it outlives the timeout, and the result then fails the caller's assertions.
   */
  public static Result run(Class<?> main, Map<String, String> env, Duration timeout, String... args)
      throws IOException, InterruptedException {
    Process child = start(main, env, args);
    try {
      // the output is read to its end, which comes when the child exits (or is killed below)
      Thread killer = new Thread(() -> {
        try {
          if (!child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            child.destroyForcibly();
          }
        } catch (InterruptedException e) {
          child.destroyForcibly();
        }
      }, "child-jvm-timeout");
      killer.setDaemon(true);
      killer.start();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      boolean exited = child.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Result(exited ? child.exitValue() : -1, output);
    } finally {
      child.destroyForcibly();
    }
  }

  /**
   * Starts the class's main with the arguments and extra environment variables (stderr merged into stdout);
   * the caller stops it by its PID ({@link Process#destroyForcibly()}), also when the test fails.
   */
  public static Process start(Class<?> main, Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().putAll(env);
    return builder.start();
  }
}
