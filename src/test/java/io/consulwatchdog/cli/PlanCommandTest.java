package io.consulwatchdog.cli;

import static io.consulwatchdog.observe.ObservationBuilder.server;
import static io.consulwatchdog.observe.ObservationBuilder.voter;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.decide.Pause;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.ObservationBuilder;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.recover.PauseStore;
import io.consulwatchdog.recover.RecoveryStatusStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PlanCommandTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Fixtures.T0);
  private final List<String> executed = new ArrayList<>();
  private ClusterSnapshot next;
  /** Snapshots the observer gives first, one per poll, before {@link #next}. */
  private final java.util.Deque<ClusterSnapshot> first = new java.util.ArrayDeque<>();

  private Path config(String mode) throws Exception {
    String yaml = """
        state_dir: %s
        clusters:
          - name: dc1
            poll_interval: 200ms
            executor_defaults:
              type: local
              stop: [systemctl, stop, consul]
              start: [systemctl, start, consul]
            servers:
              - {name: s1, http_address: "http://127.0.0.1:8500", data_dir: /data/s1}
              - {name: s2, http_address: "http://127.0.0.2:8500", data_dir: /data/s2}
              - {name: s3, http_address: "http://127.0.0.3:8500", data_dir: /data/s3}
            recovery:
              mode: %s
        """.formatted(dir.resolve("state"), mode);
    Path f = dir.resolve("config.yml");
    Files.writeString(f, yaml);
    return f;
  }

  private String run(int expectedExit, String... args) {
    ClusterObserver observer = c -> first.isEmpty() ? next : first.poll();
    AgentExecutor fake = new AgentExecutor() {
      @Override
      public ExecutionResult run(AgentOperation op, Duration timeout) {
        executed.add(op.name());
        return ExecutionResult.ok("", "", Duration.ZERO);
      }

      @Override
      public String describe(AgentOperation op) {
        return "would run systemctl " + op.name() + " consul";
      }
    };
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new PlanCommand(c -> observer, Optional.of(s -> fake), clock))
        .setParameterExceptionHandler(new ExitCodes.UsageHandler());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(out));
    assertThat(cl.execute(args)).as(out.toString()).isEqualTo(expectedExit);
    return out.toString();
  }

  private static ClusterSnapshot twoOfThreeDown() {
    return ObservationBuilder.snapshot(Fixtures.T0,
        server("s1", 1).state("Candidate").lastContact("never").configuration(voter("s1", 1), voter("s2", 2),
            voter("s3", 3)),
        server("s2", 2).unreachable(Reachability.REFUSED), server("s3", 3).unreachable(Reachability.REFUSED));
  }

  @Test
  void printsThePlanTheWatchdogWouldRunWithoutRunningIt() throws Exception {
    next = twoOfThreeDown();
    String out = run(0, "--config", config("dry-run").toString(), "dc1");
    assertThat(out).contains("cluster dc1: QUORUM_LOST (VOTERS_DOWN)")
        .contains("strategy restart-down-servers")
        .contains("   1. start agents s2, s3 together")
        .contains("   2. wait up to")
        .contains("   1. via: would run systemctl start consul")
        .contains("mode dry-run: the daemon logs this plan and runs nothing");
    assertThat(executed).isEmpty();
    assertThat(Files.exists(dir.resolve("state/dc1/audit.jsonl"))).isFalse();
  }

  private static ClusterSnapshot electing() {
    return ObservationBuilder.snapshot(Fixtures.T0,
        server("s1", 1).state("Candidate").lastContact("1.2s").configuration(voter("s1", 1), voter("s2", 2),
            voter("s3", 3)),
        server("s2", 2).lastContact("1.3s"), server("s3", 3).lastContact("1.1s"));
  }

  @Test
  void aPausedClusterSaysTheDaemonOnlyLogsThePlan() throws Exception {
    next = twoOfThreeDown();
    Path config = config("auto");
    new PauseStore(dir.resolve("state")).save("dc1",
        new Pause("alice", "replacing disks", Fixtures.T0, Fixtures.T0.plus(Duration.ofHours(2))));
    String out = run(0, "--config", config.toString(), "dc1");
    assertThat(out).contains("strategy restart-down-servers")
        .contains("mode paused: the daemon logs this plan and runs nothing").doesNotContain("mode auto");
  }

  @Test
  void oneLookAtAnElectionGivesNoPlan() throws Exception {
    first.add(electing());
    next = twoOfThreeDown();
    String out = run(0, "--config", config("dry-run").toString(), "dc1");
    assertThat(out).contains("no plan: the cluster is ELECTION_IN_PROGRESS");
  }

  @Test
  void watchKeepsPollingUntilTheVerdictIsCertainThenPrintsThePlan() throws Exception {
    first.add(electing());
    first.add(electing());
    next = twoOfThreeDown();
    String out = run(0, "--config", config("dry-run").toString(), "--watch", "5s", "dc1");
    assertThat(out).contains("plan dc1: poll 1: ").contains("plan dc1: poll 2: ")
        .contains("cluster dc1: QUORUM_LOST (VOTERS_DOWN)").contains("strategy restart-down-servers")
        .doesNotContain("no plan");
    assertThat(executed).isEmpty();
  }

  @Test
  void watchNeedsADuration() throws Exception {
    next = twoOfThreeDown();
    assertThat(run(ExitCodes.USAGE, "--config", config("dry-run").toString(), "--watch", "soon", "dc1"))
        .contains("--watch: must be a duration like 30s or 2m (got \"soon\")");
  }

  @Test
  void saysWhyThereIsNoPlanForAHealthyCluster() throws Exception {
    next = ObservationBuilder.snapshot(Fixtures.T0,
        server("s1", 1).leader().configuration(voter("s1", 1), voter("s2", 2), voter("s3", 3)),
        server("s2", 2).sees("127.0.0.1:8300"), server("s3", 3).sees("127.0.0.1:8300"));
    String out = run(0, "--config", config("auto").toString());
    assertThat(out).contains("HEALTHY").contains("no plan: the cluster is HEALTHY");
  }

  @Test
  void showsTheReasonsWhenNoStrategyFits() throws Exception {
    next = ObservationBuilder.snapshot(Fixtures.T0,
        server("s1", 1).state("Candidate").lastContact("2m0s").configuration(voter("s1", 1), voter("old2", 7),
            voter("old3", 8)),
        server("s2", 2).id("new-2").log(0, 0).lastContact("2m0s"),
        server("s3", 3).id("new-3").log(0, 0).lastContact("2m0s"));
    String out = run(2, "--config", config("auto").toString(), "dc1");
    assertThat(out).contains("QUORUM_LOST (UNIDENTIFIED_VOTERS)").contains("no recovery plan:")
        .contains("restart-down-servers: fits only voters that are down");
  }

  @Test
  void mentionsAnEscalationThatHoldsThePlan() throws Exception {
    Path cfg = config("auto");
    RecoveryStatus escalated = new RecoveryStatus("dc1", RecoveryState.ESCALATED, Fixtures.T0, Optional.of("r1"),
        Optional.empty(), List.of(Fixtures.T0), true, Optional.empty());
    new RecoveryStatusStore(dir.resolve("state")).save(escalated);
    next = twoOfThreeDown();
    assertThat(run(0, "--config", cfg.toString(), "dc1")).contains("held: the cluster is ESCALATED")
        .contains("consul-watchdog ack dc1");
  }

  @Test
  void anUnknownClusterIsAUsageError() throws Exception {
    next = twoOfThreeDown();
    assertThat(run(ExitCodes.USAGE, "--config", config("auto").toString(), "nope")).contains("Unknown cluster \"nope\"");
  }
}
