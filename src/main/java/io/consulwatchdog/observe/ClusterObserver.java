package io.consulwatchdog.observe;

import io.consulwatchdog.config.ClusterConfig;

/** Takes one snapshot of a cluster by asking every configured server directly and in parallel. */
public interface ClusterObserver extends AutoCloseable {

  /** Observes every server of the cluster; never throws for unreachable or misbehaving servers. */
  ClusterSnapshot observe(ClusterConfig cluster);

  @Override
  default void close() {}
}
