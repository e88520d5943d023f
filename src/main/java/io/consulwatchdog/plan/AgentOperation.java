package io.consulwatchdog.plan;

import java.util.Arrays;

/** One thing an executor can do to one Consul agent or its host; every operation is safe to repeat. */
public sealed interface AgentOperation {

  /** A short name used in logs, metrics and the audit journal. */
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
}
