package io.consulwatchdog.execute;

import io.consulwatchdog.config.ExecutorConfig;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.SshExecutorConfig;
import io.consulwatchdog.config.SystemdExecutorConfig;

/** Builds the executor an agent's configuration asks for. */
public final class AgentExecutors {
  private AgentExecutors() {}

  /** The executor for one configured server or client agent. */
  public static AgentExecutor create(ServerConfig agent, ExecutorResources shared) {
    return create(agent.name(), agent.executor(), shared);
  }

  /** The executor for an executor configuration; the agent name appears in "no executor" errors. */
  public static AgentExecutor create(String agent, ExecutorConfig config, ExecutorResources shared) {
    if (config instanceof LocalExecutorConfig local) {
      return new LocalProcessExecutor(local);
    } else if (config instanceof SshExecutorConfig ssh) {
      return new SshExecutor(ssh, shared.ssh());
    } else if (config instanceof SystemdExecutorConfig systemd) {
      return new SystemdDbusExecutor(systemd);
    } else if (config instanceof NoExecutorConfig) {
      return new NoExecutor(agent);
    }
    throw new IllegalArgumentException("unknown executor type " + config.type());
  }
}
