package io.consulwatchdog.cli;

import io.consulwatchdog.config.Durations;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.Verdict;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The `--watch DURATION` of check and plan: polls again, as the daemon does, until the verdict is certain
 * or the time is up, showing each uncertain poll on stderr.
 */
final class PollWatch {
  /** How often an ad-hoc cluster (--server URLs, no poll_interval of its own) is polled. */
  static final Duration AD_HOC_INTERVAL = Duration.ofSeconds(1);
  private static final int MAX_POLLS = 100_000;

  private PollWatch() {}

  /** The option's duration, empty when it was not given; a usage error names the option and the value. */
  static Optional<Duration> parse(CommandLine.Model.CommandSpec spec, String watch) {
    if (watch == null) {
      return Optional.empty();
    }
    return Optional.of(Durations.parse(watch).filter(d -> !d.isZero() && !d.isNegative())
        .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
            "--watch: must be a duration like 30s or 2m (got \"" + watch + "\")")));
  }

  /** A verdict more polls would not change: healthy, quorum lost, leaderless past the threshold, split. */
  static boolean certain(Verdict v) {
    return v.code() == DiagnosisCode.HEALTHY || v.code().needsRecovery() || v.code() == DiagnosisCode.SPLIT_VIEW;
  }

  /**
   * Polls once, or, with a watch duration, every interval until the verdict is certain or the time is up;
   * each uncertain poll is shown on err as "COMMAND CLUSTER: poll N: SUMMARY".
   */
  static <T> T untilCertain(String command, String cluster, Duration every, Optional<Duration> watchFor,
      Supplier<T> poll, Function<T, Verdict> verdictOf, PrintWriter err) throws InterruptedException {
    T result = poll.get();
    if (watchFor.isEmpty()) {
      return result;
    }
    long deadline = System.nanoTime() + watchFor.get().toNanos();
    int polls = 1;
    while (!certain(verdictOf.apply(result)) && System.nanoTime() + every.toNanos() <= deadline
        && polls < MAX_POLLS) {
      err.printf("%s %s: poll %d: %s%n", command, cluster, polls, verdictOf.apply(result).summary());
      err.flush();
      Thread.sleep(every.toMillis());
      result = poll.get();
      polls++;
    }
    return result;
  }
}
