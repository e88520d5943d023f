package io.consulwatchdog.daemon;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.recover.LeaderRead;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Wraps what a cluster's loop calls (observations, leader reads, executor operations) so that each finished
 * call counts as progress of that cluster's loop ({@link LoopProgress}), and each executor operation is
 * known to be under way with its own timeout.
 */
final class ProgressTracking {
  private ProgressTracking() {}

  /** The observer, recording each finished observation (and its snapshot) for the cluster observed. */
  static ClusterObserver observer(ClusterObserver inner, Function<String, Optional<LoopProgress>> progressOf) {
    return new ClusterObserver() {
      @Override
      public ClusterSnapshot observe(ClusterConfig cluster) {
        ClusterSnapshot snapshot = inner.observe(cluster);
        progressOf.apply(cluster.name()).ifPresent(p -> p.observed(snapshot));
        return snapshot;
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  /** The leader read, recording each finished read for the cluster read. */
  static LeaderRead leaderRead(LeaderRead inner, Function<String, Optional<LoopProgress>> progressOf) {
    return new LeaderRead() {
      @Override
      public Result read(ClusterConfig cluster) {
        Result r = inner.read(cluster);
        progressOf.apply(cluster.name()).ifPresent(LoopProgress::progressed);
        return r;
      }

      @Override
      public Result writeAndRead(ClusterConfig cluster, String key) {
        Result r = inner.writeAndRead(cluster, key);
        progressOf.apply(cluster.name()).ifPresent(LoopProgress::progressed);
        return r;
      }
    };
  }

  /** The executor of one agent of the cluster whose progress is given: each operation is under way until it ends. */
  static AgentExecutor executor(AgentExecutor inner, LoopProgress progress) {
    return new AgentExecutor() {
      @Override
      public ExecutionResult run(AgentOperation operation, Duration timeout) {
        try (LoopProgress.Operation underWay = progress.operationUnderWay(timeout)) {
          return inner.run(operation, timeout);
        }
      }

      @Override
      public String describe(AgentOperation operation) {
        return inner.describe(operation);
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }
}
