package io.consulwatchdog.execute;

/**
 * Resources the executors of one daemon share: the single SSH client, created on first use.
 * Close it once, when the daemon stops, after the executors.
 */
public final class ExecutorResources implements AutoCloseable {
  private SshClientPool ssh;
  private boolean closed;

  /** The shared SSH client pool, started on the first call. */
  public synchronized SshClientPool ssh() {
    if (closed) {
      throw new IllegalStateException("executor resources are closed");
    }
    if (ssh == null) {
      ssh = new SshClientPool();
    }
    return ssh;
  }

  /** Stops the SSH client, if it was started. */
  @Override
  public synchronized void close() {
    closed = true;
    if (ssh != null) {
      ssh.close();
      ssh = null;
    }
  }
}
