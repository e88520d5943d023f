package io.consulwatchdog.plan;

import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.plan.Step.RestartAgent;
import io.consulwatchdog.plan.Step.SetBootstrapExpect;
import io.consulwatchdog.plan.Step.StartAgent;
import io.consulwatchdog.plan.Step.StopAgent;
import io.consulwatchdog.plan.Step.VerifyWritable;
import io.consulwatchdog.plan.Step.WaitForLeader;
import io.consulwatchdog.plan.Step.WaitForServerUp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seed's manual procedure (stop all, start with bootstrap_expect=1, restart each with the real value):
 * only for clusters whose every server runs Consul older than 0.7. On newer versions it is refused with the
 * reason: bootstrap_expect is ignored once raft data exists, and two servers in bootstrap mode become two
 * one-server clusters (split brain, data loss).
 */
public final class BootstrapExpect implements Strategy {
  /** The strategy's name in recovery.strategies. */
  public static final String NAME = "bootstrap-expect";
  /** The agent config file the seed edits. */
  public static final String SEED_AGENT_CONFIG = "/etc/consul.d/agent.json";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Fit fits(Verdict verdict) {
    return verdict.code().needsRecovery() ? Fit.yes() : Fit.no("the cluster is " + verdict.code());
  }

  @Override
  public Attempt plan(PlanRequest r) {
    if (!r.verdict().nameMismatches().isEmpty()) {
      return Attempt.refuse("configured names differ from the agents' node names ("
          + String.join(", ", r.verdict().nameMismatches()) + "): destructive strategies are blocked");
    }
    Map<String, ServerObservation> seen = r.observationsByName();
    List<String> unknown = new ArrayList<>();
    List<String> modern = new ArrayList<>();
    for (ServerConfig s : r.cluster().servers()) {
      String version = Optional.ofNullable(seen.get(s.name())).filter(ServerObservation::reachable)
          .map(ServerObservation::version).filter(v -> !v.isBlank())
          .or(() -> r.topology().flatMap(t -> t.byName(s.name())).map(KnownServer::version))
          .orElse("");
      Optional<int[]> parsed = ConsulVersion.parse(version);
      if (parsed.isEmpty()) {
        unknown.add(s.name());
      } else if (!ConsulVersion.below(parsed.get(), 0, 7)) {
        modern.add(s.name() + " runs " + version);
      }
    }
    if (!modern.isEmpty()) {
      return Attempt.refuse("refused on Consul >= 0.7 (" + String.join(", ", modern) + "): bootstrap_expect is "
          + "ignored once raft data exists, and bootstrap mode on two servers makes each the leader of its own "
          + "cluster (split brain) and loses data; use restart-down-servers or peers-json instead");
    }
    if (!unknown.isEmpty()) {
      return Attempt.refuse("the Consul version of " + String.join(", ", unknown) + " is unknown; this strategy "
          + "is only safe below 0.7");
    }
    for (ServerConfig s : r.cluster().servers()) {
      if (s.executor() instanceof NoExecutorConfig) {
        return Attempt.refuse("server " + s.name() + " has executor \"none\"");
      }
    }
    Duration settle = r.cluster().recovery().settleTimeout();
    int expect = r.cluster().servers().size();
    List<Step> steps = new ArrayList<>();
    List<String> names = r.cluster().servers().stream().map(ServerConfig::name).toList();
    names.forEach(n -> steps.add(new StopAgent(n, AGENT_TIMEOUT)));
    names.forEach(n -> steps.add(new SetBootstrapExpect(n, SEED_AGENT_CONFIG, 1, expect, AGENT_TIMEOUT)));
    for (String n : names) {
      steps.add(new StartAgent(n, AGENT_TIMEOUT));
      steps.add(new WaitForServerUp(n, settle));
    }
    for (String n : names) {
      steps.add(new SetBootstrapExpect(n, SEED_AGENT_CONFIG, expect, expect, AGENT_TIMEOUT));
      steps.add(new RestartAgent(n, AGENT_TIMEOUT));
      steps.add(new WaitForServerUp(n, settle));
    }
    steps.add(new WaitForLeader(settle));
    steps.add(new VerifyWritable(Step.VERIFY_KEY_PREFIX + r.recoveryId(), settle));
    return Attempt.plan(steps, "the seed's procedure for Consul < 0.7 (servers restarted in config order)");
  }

}
