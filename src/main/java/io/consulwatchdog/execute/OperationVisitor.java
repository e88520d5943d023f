package io.consulwatchdog.execute;

import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.BackupDirectory;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import io.consulwatchdog.plan.AgentOperation.ReadFile;
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
    }
    throw new IllegalArgumentException("unknown operation " + op);
  }
}
