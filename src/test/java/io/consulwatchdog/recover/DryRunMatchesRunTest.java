package io.consulwatchdog.recover;

import static io.consulwatchdog.Fixtures.T0;
import static io.consulwatchdog.Fixtures.down;
import static io.consulwatchdog.Fixtures.snapshot;
import static io.consulwatchdog.Fixtures.up;
import static io.consulwatchdog.Fixtures.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.Fixtures;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.BootstrapExpect;
import io.consulwatchdog.plan.PeersJsonRecovery;
import io.consulwatchdog.plan.PlanOutcome;
import io.consulwatchdog.plan.PlanRequest;
import io.consulwatchdog.plan.Planner;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.RestartDownServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every strategy, the operations a dry run describes are, one for one, the operations a real run hands
 * to the executors: dry-run shows exactly what would run.
 */
class DryRunMatchesRunTest {
  private static final String ID_A = "11111111-aaaa-aaaa-aaaa-111111111111";
  private static final String ID_B = "22222222-bbbb-bbbb-bbbb-222222222222";
  private static final String ID_C = "33333333-cccc-cccc-cccc-333333333333";
  @TempDir Path dir;

  /** A strategy with a state it fits, the servers running in it, and what every server's agent.json holds. */
  record Case(String strategy, Verdict verdict, ClusterSnapshot snapshot, List<String> running) {
    @Override
    public String toString() {
      return strategy;
    }
  }

  static Stream<Case> everyStrategy() {
    return Stream.of(
        new Case(RestartDownServers.NAME, verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0),
            snapshot(T0, up("s1", 1, ID_A, "Candidate", 5, 300, "", "1.8.7", 3), down("s2", 2), down("s3", 3)),
            List.of("s1")),
        new Case(PeersJsonRecovery.NAME, Fixtures.staleVerdict(T0, "s2", "s3"),
            snapshot(T0, up("s1", 1, ID_A, "Candidate", 5, 300, "", "1.8.7", 3),
                up("s2", 2, ID_B, "Follower", 0, 0, "", "1.8.7", 3),
                up("s3", 3, ID_C, "Follower", 0, 0, "", "1.8.7", 3)),
            List.of("s1", "s2", "s3")),
        new Case(BootstrapExpect.NAME, verdict(DiagnosisCode.LEADERLESS, LeaderlessCause.NO_ELECTION, T0),
            snapshot(T0, up("s1", 1, ID_A, "Follower", 3, 30, "", "0.5.2", 2),
                up("s2", 2, ID_B, "Follower", 3, 30, "", "0.5.2", 2),
                up("s3", 3, ID_C, "Follower", 3, 30, "", "0.6.4", 2)),
            List.of("s1", "s2", "s3")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyStrategy")
  void theDescribedOperationsAreTheOperationsRun(Case c) {
    MutableClock clock = new MutableClock(T0);
    ClusterConfig cluster = Fixtures.cluster(Fixtures.recovery(RecoveryMode.AUTO, List.of(c.strategy())),
        Fixtures.threeServers(), List.of());
    PlanOutcome outcome = new Planner().plan(new PlanRequest(cluster, c.verdict(), c.snapshot(), Optional.empty(),
        "r1", T0));
    assertThat(outcome).as(outcome.toString()).isInstanceOf(PlanOutcome.Planned.class);
    RecoveryPlan plan = ((PlanOutcome.Planned) outcome).plan();

    FakeWorld world = new FakeWorld(cluster, clock, c.running().toArray(String[]::new));
    cluster.servers().forEach(s -> world.files.put(s.name() + ":" + BootstrapExpect.SEED_AGENT_CONFIG,
        "{\"server\": true, \"bootstrap_expect\": 3}"));
    List<String> described = new ArrayList<>();
    List<String> ran = Collections.synchronizedList(new ArrayList<>());
    PlanRunner describer = runner(cluster, world, s -> recording(s, world.executor(s), described, false), clock);
    PlanRunner runner = runner(cluster, world, s -> recording(s, world.executor(s), ran, true), clock);

    List<String> lines = describer.describe(plan);
    RunResult result = runner.run(plan, 0);

    assertThat(result.succeeded()).as(result.reason()).isTrue();
    assertThat(ran).as("operations run").isNotEmpty();
    // the parts of a step on several agents run together, so their order at run time varies
    assertThat(described).as("operations described").hasSameSizeAs(ran).containsExactlyInAnyOrderElementsOf(ran);
    assertThat(lines.stream().filter(l -> l.contains("via:"))).hasSize(ran.size());
  }

  private PlanRunner runner(ClusterConfig cluster, FakeWorld world,
      Function<ServerConfig, AgentExecutor> executors, MutableClock clock) {
    return new PlanRunner(cluster, executors, world.observer(), world.leaderRead(),
        new AuditJournal(dir, cluster.name(), clock), new WatchdogMetrics(new SimpleMeterRegistry(), clock), clock,
        clock::advance, Duration.ofSeconds(1));
  }

  /** Records "server operation" for each operation run (when running) or described (when not). */
  private static AgentExecutor recording(ServerConfig server, AgentExecutor inner, List<String> log, boolean running) {
    return new AgentExecutor() {
      @Override
      public ExecutionResult run(AgentOperation operation, Duration timeout) {
        if (running) {
          log.add(server.name() + " " + render(operation));
        }
        return inner.run(operation, timeout);
      }

      @Override
      public String describe(AgentOperation operation) {
        if (!running) {
          log.add(server.name() + " " + render(operation));
        }
        return inner.describe(operation);
      }
    };
  }

  private static String render(AgentOperation op) {
    return op instanceof AgentOperation.WriteFile w ? w.toString() + " " + new String(w.content()) : op.toString();
  }
}
