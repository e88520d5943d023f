package io.consulwatchdog.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Arrays;
import java.util.List;

/** One thing an executor can do to one Consul agent or its host; every operation is safe to repeat. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = AgentOperation.Stop.class, name = "stop"),
    @JsonSubTypes.Type(value = AgentOperation.Start.class, name = "start"),
    @JsonSubTypes.Type(value = AgentOperation.Restart.class, name = "restart"),
    @JsonSubTypes.Type(value = AgentOperation.BackupDirectory.class, name = "backup-directory"),
    @JsonSubTypes.Type(value = AgentOperation.WriteFile.class, name = "write-file"),
    @JsonSubTypes.Type(value = AgentOperation.EditFile.class, name = "edit-file"),
    @JsonSubTypes.Type(value = AgentOperation.ReadFile.class, name = "read-file"),
    @JsonSubTypes.Type(value = AgentOperation.RemoveFile.class, name = "remove-file"),
    @JsonSubTypes.Type(value = AgentOperation.MoveDirectory.class, name = "move-directory"),
    @JsonSubTypes.Type(value = AgentOperation.CheckReady.class, name = "check-ready")
})
public sealed interface AgentOperation {

  /** A short name used in logs, metrics and the audit journal. */
  @JsonIgnore
  String name();

  /** Stops the agent without a graceful leave; succeeds when the agent is already stopped. */
  record Stop() implements AgentOperation {
    @Override
    public String name() {
      return "stop";
    }
  }

  /** Starts the agent; succeeds when the agent is already running. */
  record Start() implements AgentOperation {
    @Override
    public String name() {
      return "start";
    }
  }

  /** Restarts the agent (stop then start when no restart command is configured). */
  record Restart() implements AgentOperation {
    @Override
    public String name() {
      return "restart";
    }
  }

  /**
   * Copies a directory tree to a new backup directory; fails if the target exists with other content.
   *
   * @param source directory to copy, e.g. /opt/consul/raft
   * @param target directory to create, e.g. /opt/consul/raft.backup-20261125T211500Z-r42
   */
  record BackupDirectory(String source, String target) implements AgentOperation {
    @Override
    public String name() {
      return "backup-directory";
    }
  }

  /**
   * Writes a file atomically (temporary file in the same directory, then rename) with a POSIX mode.
   *
   * @param path absolute path on the agent's host
   * @param content the bytes to write
   * @param mode octal permission string such as "0600"
   */
  record WriteFile(String path, byte[] content, String mode) implements AgentOperation {
    @Override
    public String name() {
      return "write-file";
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WriteFile w
          && w.path.equals(path)
          && Arrays.equals(w.content, content)
          && w.mode.equals(mode);
    }

    @Override
    public int hashCode() {
      return path.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
      return "WriteFile[path=" + path + ", bytes=" + content.length + ", mode=" + mode + "]";
    }
  }

  /**
   * Replaces the first match of a regular expression in a small text file and writes the file back
   * atomically with a POSIX mode; fails, writing nothing, when the expression does not match.
   *
   * @param path absolute path on the agent's host
   * @param pattern a java.util.regex pattern
   * @param replacement the replacement, with $1... for groups
   * @param mode octal permission string of the written file
   */
  record EditFile(String path, String pattern, String replacement, String mode) implements AgentOperation {
    @Override
    public String name() {
      return "edit-file";
    }
  }

  /**
   * Reads a small text file; the content comes back as the result's stdout.
   *
   * @param path absolute path on the agent's host
   */
  record ReadFile(String path) implements AgentOperation {
    @Override
    public String name() {
      return "read-file";
    }
  }

  /**
   * Removes one file if it is there: never a directory, never through a symbolic link; succeeds when the
   * file is already absent (the undo of a written peers.json).
   *
   * @param path absolute path on the agent's host
   */
  record RemoveFile(String path) implements AgentOperation {
    @Override
    public String name() {
      return "remove-file";
    }
  }

  /**
   * Renames a directory to a new name on the same file system (e.g. moves raft/ aside into a backup):
   * refuses when the target exists, never follows a symbolic link; succeeds when the source is already
   * gone and the target is there (repeatable). Moving it back is its undo.
   *
   * @param source the directory, e.g. /opt/consul/raft
   * @param target the new name, e.g. /opt/consul/raft.moved-20261125T211500Z-r42
   */
  record MoveDirectory(String source, String target) implements AgentOperation {
    @Override
    public String name() {
      return "move-directory";
    }
  }

  /**
   * Proves, without changing anything, that the executor can carry out these operations on this agent:
   * the host is reachable and the executor authorized for each (SSH login and `sudo -n -l` for the exact
   * commands, the systemd unit loaded on the bus, the local argv executable), the directories the file
   * operations touch exist and are no symbolic links, a backup's source exists and its target's file system
   * has room for a copy. Run before the first destructive step of a plan.
   *
   * @param operations the operations the plan (and its undo) will ask of this agent
   */
  record CheckReady(List<AgentOperation> operations) implements AgentOperation {
    public CheckReady {
      operations = List.copyOf(operations);
    }

    @Override
    public String name() {
      return "check-ready";
    }
  }
}
