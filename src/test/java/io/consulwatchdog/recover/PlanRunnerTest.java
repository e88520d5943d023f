package io.consulwatchdog.recover;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures.MutableClock;
import io.consulwatchdog.Fixtures;
import io.consulwatchdog.LogLines;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class PlanRunnerTest {
  private static final Duration T = Duration.ofSeconds(20);
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final ClusterConfig cluster = Fixtures.cluster(
      Fixtures.recovery(RecoveryMode.AUTO, List.of("restart-down-servers")), Fixtures.threeServers(), List.of());
  private final FakeWorld world = new FakeWorld(cluster, clock, "s1");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private AuditJournal journal;
  private int sleeps;

  @BeforeEach
  void openJournal() {
    journal = new AuditJournal(dir, "dc1", clock);
  }

  private PlanRunner runner() {
    return new PlanRunner(cluster, world::executor, world.observer(), world.leaderRead(), journal,
        new WatchdogMetrics(registry, clock), clock, d -> {
          sleeps++;
          clock.advance(d);
        }, Duration.ofSeconds(1));
  }

  private static RecoveryPlan restartPlan() {
    return new RecoveryPlan("r1", "dc1", "restart-down-servers", "test", T0, List.of(
        new Step.StartAgent("s2", T), new Step.WaitForServerUp("s2", T),
        new Step.StartAgent("s3", T), new Step.WaitForServerUp("s3", T),
        new Step.WaitForLeader(T), new Step.WaitForVoters(3, T), new Step.VerifyDataReadable(T)));
  }

  @Test
  void runsEveryStepInOrderAndJournalsEachOne() {
    RunResult result = runner().run(restartPlan(), 0);
    assertThat(result.succeeded()).as(result.reason()).isTrue();
    assertThat(world.calls).containsExactly("s2:start", "s3:start");
    assertThat(world.running).containsExactlyInAnyOrder("s1", "s2", "s3");
    List<AuditEvent> events = journal.read();
    assertThat(events).hasSize(14);
    assertThat(events).extracting(AuditEvent::event).containsOnly(AuditEvent.STEP_STARTED, AuditEvent.STEP_FINISHED);
    List<AuditEvent.StepFinished> ends = journal.read(AuditEvent.StepFinished.class);
    assertThat(ends.get(5).step()).contains("3 live voters under the leader");
    assertThat(ends.get(5).stdout()).isEqualTo("3 live voters");
    assertThat(ends.get(6).stdout()).isEqualTo("read ok");
    assertThat(registry.get("consul_watchdog_recovery_steps").tag("step", "start-agent").tag("result", "ok")
        .counter().count()).isEqualTo(2.0);
  }

  @Test
  void theFirstFailingStepStopsThePlan() {
    world.failing.add("s2:start");
    RunResult result = runner().run(restartPlan(), 0);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failedStep()).contains(0);
    assertThat(result.reason()).contains("step 1 (start agent s2) failed").contains("exit 3");
    assertThat(world.calls).containsExactly("s2:start");
    assertThat(journal.read()).hasSize(2);
    AuditEvent.StepFinished end = journal.read(AuditEvent.StepFinished.class).get(0);
    assertThat(end.success()).isFalse();
    assertThat(end.stderr()).contains("simulated failure");
  }

  @Test
  void aWaitThatNeverSucceedsFailsAtItsTimeoutWithoutRealSleeping() {
    world.elects = false;
    RecoveryPlan plan = new RecoveryPlan("r1", "dc1", "restart-down-servers", "test", T0,
        List.of(new Step.StartAgent("s2", T), new Step.WaitForLeader(T), new Step.VerifyDataReadable(T)));
    RunResult result = runner().run(plan, 0);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failedStep()).contains(1);
    assertThat(result.reason()).contains("not reached within 20s");
    assertThat(sleeps).isBetween(19, 22);
    assertThat(Duration.between(T0, clock.instant())).isBetween(Duration.ofSeconds(19), Duration.ofSeconds(22));
  }

  @Test
  void runningFromAStepSkipsTheStepsBeforeIt() {
    world.running.add("s2");
    RunResult result = runner().run(restartPlan(), 2);
    assertThat(result.succeeded()).isTrue();
    assertThat(world.calls).containsExactly("s3:start");
    assertThat(((AuditEvent.StepStarted) journal.read().get(0)).stepIndex()).isEqualTo(2);
  }

  @Test
  void dryRunDescribesThePlanAndTheExecutorsWithoutRunningAnything() {
    RecoveryPlan plan = restartPlan();
    int before = world.observations;
    List<String> lines = runner().describe(plan);
    assertThat(world.calls).isEmpty();
    assertThat(world.observations).isEqualTo(before);
    assertThat(journal.read()).isEmpty();
    assertThat(String.join("\n", lines)).contains(plan.render().strip())
        .contains("   1. via: fake executor of s2 would start")
        .contains("   3. via: fake executor of s3 would start");
  }

  @Test
  void peersJsonAndBackupsGoThroughTheExecutor() {
    world.running.addAll(List.of("s2", "s3"));
    RecoveryPlan plan = new RecoveryPlan("r1", "dc1", "peers-json", "test", T0, List.of(
        new Step.StopAgent("s1", T), new Step.BackupRaftDir("s1", "/data/s1/raft", "/data/s1/raft.backup-r1", T),
        new Step.WritePeersJson("s1", "/data/s1/raft/peers.json", "[\"127.0.0.1:8300\"]", T),
        new Step.StartAgent("s1", T), new Step.WaitForServerUp("s1", T)));
    assertThat(runner().run(plan, 0).succeeded()).isTrue();
    assertThat(world.calls).containsExactly("s1:stop", "s1:backup-directory", "s1:write-file", "s1:start");
    assertThat(world.files).containsEntry("s1:/data/s1/raft/peers.json", "[\"127.0.0.1:8300\"]");
  }

  @Test
  void setBootstrapExpectEditsTheValueLikeTheSeedsLineinfile() {
    world.files.put("s1:/etc/consul.d/agent.json", "{\n  \"server\": true,\n  \"bootstrap_expect\": 3,\n}\n");
    RecoveryPlan plan = new RecoveryPlan("r1", "dc1", "bootstrap-expect", "test", T0,
        List.of(new Step.SetBootstrapExpect("s1", "/etc/consul.d/agent.json", 1, 3, T)));
    assertThat(runner().run(plan, 0).succeeded()).isTrue();
    assertThat(world.files.get("s1:/etc/consul.d/agent.json")).contains("\"bootstrap_expect\": 1,")
        .contains("\"server\": true");
  }

  @Test
  void anAgentMissingFromTheConfigFailsTheStep() {
    RecoveryPlan plan = new RecoveryPlan("r1", "dc1", "x", "test", T0, List.of(new Step.StartAgent("s9", T)));
    RunResult result = runner().run(plan, 0);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.reason()).contains("s9 is not in the cluster's config");
  }

  /** Stops s1 and s2, writes peers.json on s1, starts s1 and s2, waits for a leader. */
  private static RecoveryPlan outagePlan() {
    return new RecoveryPlan("r9", "dc1", "peers-json", "test", T0, List.of(
        new Step.StopAgent("s1", T), new Step.StopAgent("s2", T),
        new Step.WritePeersJson("s1", "/data/s1/raft/peers.json", "[]", T),
        new Step.StartAgent("s1", T), new Step.StartAgent("s2", T), new Step.WaitForLeader(T)));
  }

  @Test
  void aFailedStepPutsBackWhatThePlanChangedInReverseOrder() {
    world.running.add("s2");
    world.failing.add("s1:start");
    RunResult result = runner().run(outagePlan(), 0);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failedStep()).contains(3);
    // the failed start is not destructive; the write and the two stops are undone, last first
    assertThat(world.calls).containsExactly("s1:stop", "s2:stop", "s1:write-file", "s1:start",
        "s1:remove-file", "s2:start", "s1:start");
    assertThat(result.reason()).contains("undone: remove /data/s1/raft/peers.json on s1, start agent s2")
        .contains("UNDO FAILED").contains("start agent s1");
    assertThat(world.files).doesNotContainKey("s1:/data/s1/raft/peers.json");
    assertThat(world.running).containsExactly("s2");
    assertThat(journal.read(AuditEvent.UndoStarted.class)).extracting(AuditEvent.UndoStarted::stepIndex)
        .containsExactly(2, 1, 0);
    assertThat(journal.read(AuditEvent.UndoFinished.class)).extracting(AuditEvent.UndoFinished::success)
        .containsExactly(true, true, false);
  }

  @Test
  void anOperatorCanOptOutOfTheUndo() {
    ClusterConfig noUndo = cluster.withRecovery(cluster.recovery().withUndoOnFailure(false));
    FakeWorld w = new FakeWorld(noUndo, clock, "s1", "s2");
    w.failing.add("s1:start");
    RunResult result = new PlanRunner(noUndo, w::executor, w.observer(), w.leaderRead(), journal,
        new WatchdogMetrics(registry, clock), clock, clock::advance, Duration.ofSeconds(1)).run(outagePlan(), 0);
    assertThat(result.reason()).contains("nothing undone (recovery.undo_on_failure is off)");
    assertThat(w.calls).containsExactly("s1:stop", "s2:stop", "s1:write-file", "s1:start");
  }

  @Test
  void aShutdownStopsBeforeTheNextStepAndUndoes() {
    world.running.add("s2");
    AtomicBoolean stopping = new AtomicBoolean();
    world.onCall = call -> {
      if (call.equals("s1:write-file")) {
        stopping.set(true); // SIGTERM arrives while peers.json is being written
      }
    };
    RunResult result = new PlanRunner(cluster, world::executor, world.observer(), world.leaderRead(), journal,
        new WatchdogMetrics(registry, clock), clock, clock::advance, Duration.ofSeconds(1), stopping::get)
        .run(outagePlan(), 0);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.reason()).contains("interrupted by the watchdog's shutdown before step 4");
    assertThat(world.calls).containsExactly("s1:stop", "s2:stop", "s1:write-file", "s1:remove-file", "s2:start",
        "s1:start");
    assertThat(world.running).containsExactlyInAnyOrder("s1", "s2");
  }

  @Test
  void partsOfAStepOnSeveralAgentsLogWithTheRecoveryIdOfTheCallingThread() {
    Logger executorLog = LoggerFactory.getLogger("test.executor");
    List<ILoggingEvent> events;
    PlanRunner runner = new PlanRunner(cluster, s -> {
      AgentExecutor inner = world.executor(s);
      return new AgentExecutor() {
        @Override
        public ExecutionResult run(AgentOperation operation, Duration timeout) {
          executorLog.info("running {} on {}", operation, s.name());
          return inner.run(operation, timeout);
        }

        @Override
        public String describe(AgentOperation operation) {
          return inner.describe(operation);
        }
      };
    }, world.observer(), world.leaderRead(), journal, new WatchdogMetrics(registry, clock), clock, clock::advance,
        Duration.ofSeconds(1));
    MDC.put("recovery", "r9");
    try (LogLines lines = LogLines.of("test.executor")) {
      RunResult result = runner.run(new RecoveryPlan("r9", "dc1", "test", "test", T0,
          List.of(new Step.StartAgents(List.of("s2", "s3"), T))), 0);
      assertThat(result.succeeded()).as(result.reason()).isTrue();
      events = lines.events();
    } finally {
      MDC.remove("recovery");
    }
    assertThat(events).hasSize(2).allSatisfy(e -> {
      assertThat(e.getThreadName()).isNotEqualTo(Thread.currentThread().getName());
      assertThat(e.getMDCPropertyMap()).containsEntry("recovery", "r9");
    });
  }
}
