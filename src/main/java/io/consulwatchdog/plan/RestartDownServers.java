package io.consulwatchdog.plan;

import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.plan.Step.StartAgent;
import io.consulwatchdog.plan.Step.VerifyWritable;
import io.consulwatchdog.plan.Step.WaitForLeader;
import io.consulwatchdog.plan.Step.WaitForServerUp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the configured servers that do not answer, one at a time, each followed by a wait for it; then
 * waits for a leader and verifies a consistent write and read (the return of every voter is watched
 * afterwards, as DEGRADED turning HEALTHY). Cures VOTERS_DOWN: a server restarted with its data dir
 * rejoins by itself, even on a new address (raft protocol 3 tracks servers by node ID).
 */
public final class RestartDownServers implements Strategy {
  /** The strategy's name in recovery.strategies. */
  public static final String NAME = "restart-down-servers";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Fit fits(Verdict verdict) {
    return verdict.cause() == LeaderlessCause.VOTERS_DOWN ? Fit.yes()
        : Fit.no("fits only voters that are down (cause VOTERS_DOWN), the cause is " + verdict.cause());
  }

  @Override
  public Attempt plan(PlanRequest r) {
    Map<String, ServerObservation> seen = r.observationsByName();
    List<ServerConfig> down = r.cluster().servers().stream()
        .filter(s -> !seen.containsKey(s.name()) || !seen.get(s.name()).reachable()).toList();
    if (down.isEmpty()) {
      return Attempt.refuse("every configured server answers: none to start");
    }
    for (ServerConfig s : down) {
      if (s.executor() instanceof NoExecutorConfig) {
        return Attempt.refuse("server " + s.name() + " is down but has executor \"none\": it cannot be started");
      }
    }
    Duration settle = r.cluster().recovery().settleTimeout();
    List<Step> steps = new ArrayList<>();
    for (ServerConfig s : down) {
      steps.add(new StartAgent(s.name(), AGENT_TIMEOUT));
      steps.add(new WaitForServerUp(s.name(), settle));
    }
    steps.add(new WaitForLeader(settle));
    steps.add(new VerifyWritable(Step.VERIFY_KEY_PREFIX + r.recoveryId(), settle));
    return Attempt.plan(steps, "start " + String.join(", ", down.stream().map(ServerConfig::name).toList()));
  }

}
