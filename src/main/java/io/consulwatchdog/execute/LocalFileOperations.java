package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.WriteFile;
import java.util.List;

/**
 * The file half of an executor on the watchdog's own host: file operations run through {@link LocalFiles}
 * and {@link LocalBackup}; CheckReady runs the executor's own checks for stop, start and restart, then
 * {@link LocalReadiness} for the file operations.
 */
abstract class LocalFileOperations implements OperationVisitor<ExecutionResult> {
  @Override
  public ExecutionResult backup(BackupDirectory op) {
    return LocalBackup.backup(op);
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

  @Override
  public ExecutionResult remove(RemoveFile op) {
    return LocalFiles.remove(op);
  }

  @Override
  public ExecutionResult move(MoveDirectory op) {
    return LocalFiles.move(op);
  }

  @Override
  public ExecutionResult checkReady(CheckReady op) {
    long started = System.nanoTime();
    Readiness readiness = new Readiness();
    checkAgent(readiness, op.operations());
    new LocalReadiness(readiness).checkAll(op.operations());
    return readiness.result(started);
  }

  /** Checks, changing nothing, that the stop, start and restart operations of the list can run. */
  abstract void checkAgent(Readiness readiness, List<AgentOperation> operations);

  /** Describes the file operations of an executor on the watchdog's own host. */
  abstract static class Described implements OperationVisitor<String> {
    @Override
    public String backup(BackupDirectory op) {
      return LocalBackup.describe(op);
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

    @Override
    public String remove(RemoveFile op) {
      return LocalFiles.describeRemove(op);
    }

    @Override
    public String move(MoveDirectory op) {
      return LocalFiles.describeMove(op);
    }

    @Override
    public String checkReady(CheckReady op) {
      return "check, changing nothing, that " + Readiness.covered(op) + " can run: " + agentChecks() + "; "
          + LocalReadiness.FILE_CHECKS;
    }

    /** What CheckReady checks for stop, start and restart with this executor. */
    abstract String agentChecks();
  }
}
