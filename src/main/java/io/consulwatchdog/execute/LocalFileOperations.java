package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;

/** The file half of an executor on the watchdog's own host: file operations run through {@link LocalFiles}. */
abstract class LocalFileOperations implements OperationVisitor<ExecutionResult> {
  @Override
  public ExecutionResult backup(BackupDirectory op) {
    return LocalFiles.backup(op);
  }

  @Override
  public ExecutionResult write(WriteFile op) {
    return LocalFiles.write(op);
  }

  @Override
  public ExecutionResult read(ReadFile op) {
    return LocalFiles.read(op);
  }

  @Override
  public ExecutionResult edit(EditFile op) {
    return FileEdits.run(this, op);
  }

  /** Describes the file operations of an executor on the watchdog's own host. */
  abstract static class Described implements OperationVisitor<String> {
    @Override
    public String backup(BackupDirectory op) {
      return LocalFiles.describeBackup(op);
    }

    @Override
    public String write(WriteFile op) {
      return LocalFiles.describeWrite(op);
    }

    @Override
    public String read(ReadFile op) {
      return LocalFiles.describeRead(op);
    }

    @Override
    public String edit(EditFile op) {
      return FileEdits.describe(this, op);
    }
  }
}
