package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Carries out and describes {@link EditFile} through an executor's own read and write operations. */
final class FileEdits {
  private FileEdits() {}

  /** Reads the file, replaces the first match, writes it back; nothing is written when nothing matches. */
  static ExecutionResult run(OperationVisitor<ExecutionResult> executor, EditFile op) {
    ExecutionResult read = executor.read(new ReadFile(op.path()));
    if (!read.success()) {
      return read;
    }
    Matcher m = Pattern.compile(op.pattern()).matcher(read.stdout());
    if (!m.find()) {
      return ExecutionResult.failed("edit-file " + op.path() + ": no match for /" + op.pattern() + "/, nothing written",
          read.took());
    }
    String edited = m.replaceFirst(op.replacement());
    ExecutionResult written = executor.write(new WriteFile(op.path(), edited.getBytes(StandardCharsets.UTF_8),
        op.mode()));
    return new ExecutionResult(written.success(), written.exitCode(), written.stdout(), written.stderr(),
        read.took().plus(written.took()), written.error());
  }

  /** The dry-run text: the read, the replacement, and the write, each as the executor describes it. */
  static String describe(OperationVisitor<String> executor, EditFile op) {
    return executor.read(new ReadFile(op.path())) + "; replace the first match of /" + op.pattern() + "/ with \""
        + op.replacement() + "\" (nothing written without a match); "
        + executor.write(new WriteFile(op.path(), new byte[0], op.mode())).replace("0 bytes", "the edited content");
  }
}
