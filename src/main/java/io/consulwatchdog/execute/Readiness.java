package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The checks of one CheckReady, each passed or failed, reported as one result: stdout lists each check
 * passed ({@code ok: ...}) and what cannot be checked ({@code not checked: ...}), stderr each failed check
 * ({@code FAILED: ...}) on its own line, and the result succeeds only when none failed. The SSH executor's
 * remote check script prints the same lines, so {@link #fromLines} reads them back.
 */
final class Readiness {
  static final String PASSED = "ok: ";
  static final String FAILED = "FAILED: ";
  static final String NOT_CHECKED = "not checked: ";

  private final Map<String, String> checks = new LinkedHashMap<>();
  private final List<String> notChecked = new ArrayList<>();

  /** Records a check that passed (a check recorded twice counts once; a failure wins). */
  void pass(String check) {
    checks.putIfAbsent(check, null);
  }

  /** Records a check that failed and why. */
  void fail(String check, String why) {
    checks.put(check, why);
  }

  /** Records a check by its outcome. */
  void check(String check, boolean passed, String whyNot) {
    if (passed) {
      pass(check);
    } else {
      fail(check, whyNot);
    }
  }

  /** Records something that cannot be checked without acting, so that the report says so. */
  void cannotCheck(String what) {
    if (!notChecked.contains(what)) {
      notChecked.add(what);
    }
  }

  /** The report: success only when every check passed. */
  ExecutionResult result(long startedNanos) {
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    checks.forEach((check, why) -> {
      if (why == null) {
        out.append(PASSED).append(check).append('\n');
      } else {
        err.append(FAILED).append(check).append(": ").append(why).append('\n');
      }
    });
    notChecked.forEach(n -> out.append(NOT_CHECKED).append(n).append('\n'));
    return fromLines(out.toString(), err.toString(), Timing.since(startedNanos), 0);
  }

  /**
   * A result from report lines: success when no line of stderr starts with {@value #FAILED} and the exit
   * status is 0; the error names every failed check.
   */
  static ExecutionResult fromLines(String stdout, String stderr, Duration took, int exitCode) {
    List<String> failed = stderr.lines().filter(l -> l.startsWith(FAILED))
        .map(l -> l.substring(FAILED.length())).toList();
    long passed = stdout.lines().filter(l -> l.startsWith(PASSED)).count();
    if (failed.isEmpty() && exitCode == 0) {
      return new ExecutionResult(true, 0, stdout, stderr, took, "");
    }
    String error = failed.isEmpty()
        ? "check-ready: the checks did not complete (exit status " + exitCode + "): " + OutputTail.lastLine(stderr)
        : "check-ready: " + failed.size() + " of " + (failed.size() + passed) + " checks failed: "
            + failed.stream().collect(Collectors.joining("; "));
    return new ExecutionResult(false, exitCode, stdout, stderr, took, error);
  }

  /** The names of the operations a CheckReady covers, for descriptions: "stop, write-file /x". */
  static String covered(CheckReady op) {
    return op.operations().stream().map(Readiness::label).collect(Collectors.joining(", "));
  }

  /** An operation's name with the paths it touches, the prefix of its checks: "write-file /x". */
  static String label(AgentOperation o) {
    return o instanceof WriteFile w ? o.name() + " " + w.path()
        : o instanceof RemoveFile r ? o.name() + " " + r.path()
        : o instanceof ReadFile r ? o.name() + " " + r.path()
        : o instanceof EditFile e ? o.name() + " " + e.path()
        : o instanceof BackupDirectory b ? o.name() + " " + b.source() + " -> " + b.target()
        : o instanceof MoveDirectory m ? o.name() + " " + m.source() + " -> " + m.target()
        : o.name();
  }
}
