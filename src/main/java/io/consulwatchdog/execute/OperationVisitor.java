package io.consulwatchdog.execute;

import io.consulwatchdog.execute.AgentOperation.BackupDirectory;
import io.consulwatchdog.execute.AgentOperation.ReadFile;
import io.consulwatchdog.execute.AgentOperation.Restart;
import io.consulwatchdog.execute.AgentOperation.Start;
import io.consulwatchdog.execute.AgentOperation.Stop;
import io.consulwatchdog.execute.AgentOperation.WriteFile;

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
    }
    throw new IllegalArgumentException("unknown operation " + op);
  }
}
