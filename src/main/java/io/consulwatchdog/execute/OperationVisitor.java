package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.MoveDirectory;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Start;
import io.consulwatchdog.plan.AgentOperation.Stop;
import io.consulwatchdog.plan.AgentOperation.WriteFile;

/** One method per kind of {@link AgentOperation}; {@link #visit} dispatches (Java 17 has no pattern switch). */
interface OperationVisitor<T> {
  /** Handles Stop. */
  T stop();

  /** Handles Start. */
  T start();

  /** Handles Restart. */
  T restart();

  /** Handles BackupDirectory. */
  T backup(BackupDirectory op);

  /** Handles WriteFile. */
  T write(WriteFile op);

  /** Handles ReadFile. */
  T read(ReadFile op);

  /** Handles EditFile. */
  T edit(EditFile op);

  /** Handles RemoveFile. */
  T remove(RemoveFile op);

  /** Handles MoveDirectory. */
  T move(MoveDirectory op);

  /** Handles CheckReady. */
  T checkReady(CheckReady op);

  /** Calls the method matching the operation's kind. */
  default T visit(AgentOperation op) {
    if (op instanceof Stop) {
      return stop();
    } else if (op instanceof Start) {
      return start();
    } else if (op instanceof Restart) {
      return restart();
    } else if (op instanceof BackupDirectory b) {
      return backup(b);
    } else if (op instanceof WriteFile w) {
      return write(w);
    } else if (op instanceof ReadFile r) {
      return read(r);
    } else if (op instanceof EditFile e) {
      return edit(e);
    } else if (op instanceof RemoveFile r) {
      return remove(r);
    } else if (op instanceof MoveDirectory m) {
      return move(m);
    } else if (op instanceof CheckReady c) {
      return checkReady(c);
    }
    throw new IllegalArgumentException("unknown operation " + op);
  }
}
