package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.RecoveryPlan;
import io.consulwatchdog.plan.Step;
import io.consulwatchdog.recover.AuditEvent;
import io.consulwatchdog.recover.AuditJournal;
import io.consulwatchdog.recover.ClusterReconciler;
import io.consulwatchdog.recover.HttpLeaderRead;
import io.consulwatchdog.recover.PlanRunner;
import io.consulwatchdog.recover.ReconcilerFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The stuck state of hashicorp/consul issue 993 healed end to end on a real lab cluster, with the
 * executor a test chooses: write keys, replace two of three servers for good, let a {@link ClusterReconciler}
 * in auto mode run the peers-json recovery through real executors, and check what it did.
 * Every operation the watch runs goes through a recording wrapper around the real executor.
 */
final class PeersJsonRecoveryScenario implements AutoCloseable {
  static final int KEYS = 60;
  static final String PREFIX = "kept";
  static final Duration LEADER_TIMEOUT = Duration.ofSeconds(20);
  private static final int MAX_TICKS = 60;

  /**
   * One operation an executor ran during the recovery.
   *
   * @param server the server it was run for
   * @param operation what was run
   * @param executor the real executor's class
   * @param description the executor's own description of the operation
   * @param result how it ended
   */
  record Call(String server, AgentOperation operation, Class<?> executor, String description,
      ExecutionResult result) {}

  private final TestLabCluster lab;
  private final Path stateDir;
  private final Clock clock = Clock.systemUTC();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WatchdogMetrics metrics = new WatchdogMetrics(registry, clock);
  private final HttpClusterObserver observer = new HttpClusterObserver(clock);
  private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());

  PeersJsonRecoveryScenario(TestLabCluster lab, Path stateDir) {
    this.lab = lab;
    this.stateDir = stateDir;
  }

  /** Auto mode, restart-down-servers then peers-json, leaderless after 5 s, confirmed by 3 polls over 3 s. */
  static RecoveryConfig recovery() {
    return new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers", "peers-json"),
        Duration.ofSeconds(5), 3, Duration.ofSeconds(3), Duration.ofMinutes(10), 3, Duration.ofHours(1),
        Duration.ofSeconds(40), false);
  }

  /** The lab's cluster config for its current servers, each with the executor the function gives it. */
  ClusterConfig cluster(Function<LabServer, ExecutorConfig> executorOf) {
    ClusterConfig local = lab.clusterConfig(recovery());
    List<ServerConfig> servers = local.servers().stream()
        .map(s -> new ServerConfig(s.name(), s.httpAddress(), s.dataDir(), executorOf.apply(lab.server(s.name()))))
        .toList();
    return new ClusterConfig(local.name(), servers, local.clients(), local.pollInterval(), local.requestTimeout(),
        local.aclToken(), local.tls(), local.recovery());
  }

  /** Writes the keys that must survive, and lets a monitor record the healthy topology (node IDs). */
  void writeKeysAndRememberTopology(ClusterConfig healthy) {
    lab.awaitLeader(LEADER_TIMEOUT);
    lab.putKeys(PREFIX, KEYS);
    Verdict verdict = factory().poller(healthy).poll().verdict();
    assertThat(verdict.leader()).as(verdict.summary()).isPresent();
  }

  /** Replaces every server but the first for good; returns the name of the survivor. */
  String replaceAllButOne() {
    String survivor = lab.servers().get(0).name();
    lab.replace(lab.servers().stream().map(LabServer::name).skip(1).toList());
    return survivor;
  }

  /** A watch over the cluster whose executors come from the factory, each wrapped to record its calls. */
  ClusterReconciler watch(ClusterConfig cluster, Function<ServerConfig, AgentExecutor> executors) {
    EffectiveMode mode = EffectiveMode.resolve(cluster.recovery().mode(), ModeOverrides.none());
    return factory().withExecutors(s -> recording(s.name(), executors.apply(s))).create(cluster, () -> mode);
  }

  private ReconcilerFactory factory() {
    return ReconcilerFactory.standard(observer, s -> {
      throw new IllegalStateException("no executors for a poller");
    }, new HttpLeaderRead(), stateDir, metrics, clock);
  }

  /** Ticks once a second until the recovery has finished (COOLDOWN or FAILED); bounded; returns the time taken. */
  Duration tickUntilRecoveryFinished(ClusterReconciler watch) throws InterruptedException {
    long start = System.nanoTime();
    for (int i = 1; i <= MAX_TICKS; i++) {
      watch.tick();
      RecoveryState state = watch.state().state();
      if (state == RecoveryState.COOLDOWN || state == RecoveryState.FAILED) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("state " + watch.state().state() + " after " + MAX_TICKS + " ticks; history "
        + watch.history().recent().stream().map(Verdict::summary).toList());
  }

  /** The cluster's audit journal. */
  List<AuditEvent> journal(ClusterConfig cluster) {
    return new AuditJournal(stateDir, cluster.name(), clock).read();
  }

  /** The plan of the (single) recovery in the journal. */
  RecoveryPlan plan(ClusterConfig cluster) {
    return new AuditJournal(stateDir, cluster.name(), clock).read(AuditEvent.RecoveryPlanned.class).stream()
        .findFirst().orElseThrow(() -> new AssertionError("no plan in the journal: " + journal(cluster))).plan();
  }

  /** Every operation run so far, in order. */
  List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** The operations of one kind run so far. */
  <T extends AgentOperation> List<Call> calls(Class<T> kind) {
    return calls().stream().filter(c -> kind.isInstance(c.operation())).toList();
  }

  /**
   * Asserts the outcome both executors must reach: the watch ran peers-json and verified a leader; peers.json
   * went exactly to the servers holding raft state, survivor first, through the executor under test, each
   * write successful in the journal; the survivor's raft dir was backed up; every running server agrees on
   * a leader; every key written before the outage reads back with its value.
   */
  void assertHealedByPeersJson(ClusterReconciler watch, ClusterConfig cluster, String survivor, Class<?> executor) {
    List<AuditEvent> events = journal(cluster);
    assertThat(watch.state().state()).as(events.toString()).isEqualTo(RecoveryState.COOLDOWN);
    RecoveryPlan plan = plan(cluster);
    assertThat(plan.strategy()).isEqualTo("peers-json");
    assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(AuditEvent.RecoveryFinished.class,
        last -> assertThat(last.outcome()).as(last.reason()).isEqualTo(AuditEvent.SUCCEEDED));
    assertThat(registry.find("consul_watchdog_recoveries_succeeded").tag("strategy", "peers-json").counter())
        .isNotNull().extracting(c -> c.count()).isEqualTo(1.0);

    List<Step.WritePeersJson> writes = plan.steps().stream().filter(Step.WritePeersJson.class::isInstance)
        .map(Step.WritePeersJson.class::cast).toList();
    assertThat(writes).isNotEmpty();
    assertThat(writes.get(0).server()).isEqualTo(survivor);
    List<Call> written = calls(AgentOperation.WriteFile.class);
    assertThat(written).extracting(Call::server)
        .containsExactlyElementsOf(writes.stream().map(Step.WritePeersJson::server).toList());
    for (Call call : written) {
      AgentOperation.WriteFile op = (AgentOperation.WriteFile) call.operation();
      assertThat(op.path()).isEqualTo(lab.server(call.server()).dataDir() + "/raft/peers.json");
      assertThat(call.executor()).isEqualTo(executor);
      assertThat(call.result().success()).as(call.result().error()).isTrue();
    }
    List<Integer> writeSteps = IntStream.range(0, plan.steps().size())
        .filter(i -> plan.steps().get(i) instanceof Step.WritePeersJson).boxed().toList();
    assertThat(events.stream().filter(AuditEvent.StepFinished.class::isInstance).map(AuditEvent.StepFinished.class::cast)
        .filter(e -> writeSteps.contains(e.stepIndex()))).hasSize(writes.size()).allMatch(AuditEvent.StepFinished::success);

    Path backup = lab.server(survivor).dataDir().resolve("raft.backup-" + plan.id());
    assertThat(Files.isDirectory(backup)).as(backup.toString()).isTrue();
    assertThat(Files.exists(backup.resolve("raft.db"))).isTrue();

    assertThat(lab.runningServers()).hasSize(3);
    LabServer leader = lab.awaitLeader(LEADER_TIMEOUT);
    assertThat(lab.servers()).contains(leader);
    Map<String, String> keys = lab.readKeys(PREFIX);
    assertThat(keys).hasSize(KEYS);
    for (int i = 0; i < KEYS; i++) {
      assertThat(keys).containsEntry(TestLabCluster.keyName(PREFIX, i), "value-" + i);
    }
  }

  /**
   * Asserts that the plan's dry-run description names, under each agent step, exactly what the executor
   * ran for that step (the same text the executor gave at run time), and returns the "via" lines.
   */
  List<String> assertDescriptionMatchesWhatRan(ClusterConfig cluster, Function<ServerConfig, AgentExecutor> executors) {
    RecoveryPlan plan = plan(cluster);
    List<String> lines = PlanRunner.describe(plan, cluster, executors);
    List<String> via = lines.stream().filter(l -> l.matches("\\s+\\d+\\. via: .*")).toList();
    List<String> ran = new ArrayList<>();
    List<Call> all = calls();
    int next = 0;
    for (int i = 0; i < plan.steps().size(); i++) {
      // the parts of a step on several agents run together: within one step the order of the calls varies
      List<Step.AgentStep> parts = PlanRunner.agentSteps(plan.steps().get(i));
      List<String> described = new ArrayList<>();
      List<String> done = new ArrayList<>();
      for (Step.AgentStep part : parts) {
        Call call = all.get(next++);
        done.add(call.server() + " " + String.format("  %2d. via: %s", i + 1, call.description()));
        described.add(part.server());
      }
      assertThat(done.stream().map(d -> d.substring(0, d.indexOf(' '))).toList())
          .containsExactlyInAnyOrderElementsOf(described);
      done.stream().map(d -> d.substring(d.indexOf(' ') + 1)).sorted().forEach(ran::add);
    }
    assertThat(next).isEqualTo(all.size());
    via = via.stream().sorted(Comparator.comparing((String l) -> Integer.parseInt(l.trim().split("\\.")[0]))
        .thenComparing(Comparator.naturalOrder())).toList();
    assertThat(via).containsExactlyElementsOf(ran);
    return via;
  }

  /** The 1-based number of the plan's step of that kind for that server (or that contains one for it). */
  static int stepNumber(RecoveryPlan plan, Class<? extends Step.AgentStep> kind, String server) {
    for (int i = 0; i < plan.steps().size(); i++) {
      for (Step.AgentStep step : PlanRunner.agentSteps(plan.steps().get(i))) {
        if (kind.isInstance(step) && step.server().equals(server)) {
          return i + 1;
        }
      }
    }
    throw new AssertionError("no " + kind.getSimpleName() + " step for " + server + " in\n" + plan.render());
  }
  /** The size in bytes of the peers.json the plan writes. */
  static int peersJsonBytes(RecoveryPlan plan) {
    return plan.steps().stream().filter(Step.WritePeersJson.class::isInstance).map(Step.WritePeersJson.class::cast)
        .findFirst().orElseThrow().content().getBytes(StandardCharsets.UTF_8).length;
  }

  private AgentExecutor recording(String server, AgentExecutor real) {
    return new AgentExecutor() {
      @Override
      public ExecutionResult run(AgentOperation operation, Duration timeout) {
        ExecutionResult result = real.run(operation, timeout);
        calls.add(new Call(server, operation, real.getClass(), real.describe(operation), result));
        return result;
      }

      @Override
      public String describe(AgentOperation operation) {
        return real.describe(operation);
      }

      @Override
      public void close() {
        real.close();
      }
    };
  }

  @Override
  public void close() {
    observer.close();
  }
}
