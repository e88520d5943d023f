package io.consulwatchdog.recover;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.consul.HostResolver;
import io.consulwatchdog.decide.EffectiveMode;
import io.consulwatchdog.decide.ModeOverrides;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.LocalProcessExecutor;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.observe.HttpClusterObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The do-no-harm cases of issue 8 on real Consul 1.8.7 clusters: the watchdog never leaves a cluster worse. */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class DoNoHarmLabTest {
  private static final int KEYS = 50;
  @TempDir Path stateDir;
  private final Clock clock = Clock.systemUTC();
  private final WatchdogMetrics metrics = new WatchdogMetrics(new SimpleMeterRegistry(), clock);
  private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

  private static RecoveryConfig recovery() {
    return new RecoveryConfig(RecoveryMode.AUTO, List.of("restart-down-servers", "peers-json"),
        Duration.ofSeconds(3), 2, Duration.ZERO, Duration.ofMinutes(10), 3, Duration.ofHours(1),
        Duration.ofSeconds(40), false);
  }

  private AgentExecutor recording(ServerConfig server) {
    return new RecordingExecutor(new LocalProcessExecutor((LocalExecutorConfig) server.executor()), server.name(),
        calls);
  }

  private ClusterReconciler loop(ClusterConfig cluster, HttpClusterObserver observer, HostResolver resolver,
      Function<ServerConfig, AgentExecutor> executors) {
    EffectiveMode mode = EffectiveMode.resolve(cluster.recovery().mode(), ModeOverrides.none());
    return ReconcilerFactory.standard(observer, executors, new HttpLeaderRead(resolver), stateDir, metrics, clock)
        .create(cluster, () -> mode);
  }

  private static void tickUntil(ClusterReconciler loop, Predicate<RecoveryState> done, int maxTicks)
      throws InterruptedException {
    for (int i = 0; i < maxTicks; i++) {
      loop.tick();
      if (done.test(loop.state().state())) {
        return;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("state " + loop.state().state() + " after " + maxTicks + " ticks; history "
        + loop.history().recent().stream().map(Verdict::summary).toList());
  }

  private static void assertOneLeaderAndEveryKey(TestLabCluster lab) {
    lab.awaitLeader(Duration.ofSeconds(20));
    Map<String, String> views = lab.leaderViews();
    assertThat(new HashSet<>(views.values())).as("leader seen by each server: " + views).hasSize(1);
    assertThat(views.values().iterator().next()).matches("\"127\\..*:8300\"");
    assertThat(lab.cluster().readKeys("kept")).hasSize(KEYS);
  }

  /**
   * Issue 8 #1: the servers are configured by host name (resolved through the watchdog's own resolver) and
   * the stale raft read fails, so the configuration the watchdog sees names no node. Two crashed servers
   * that keep their data must be started again, never left out of a peers.json.
   */
  @Test
  void crashedServersBehindHostNamesAreRestartedNeverLeftOut(TestLabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    lab.cluster().putKeys("kept", KEYS);
    Map<String, String> hosts = new LinkedHashMap<>();
    ClusterConfig byIp = lab.cluster().clusterConfig(recovery());
    List<ServerConfig> named = new ArrayList<>();
    for (ServerConfig s : byIp.servers()) {
      String host = s.name() + ".consul.lab.test";
      hosts.put(host, s.httpAddress().getHost());
      named.add(new ServerConfig(s.name(), URI.create("http://" + host + ":" + s.httpAddress().getPort()),
          s.dataDir(), s.executor()));
    }
    ClusterConfig cluster = new ClusterConfig(byIp.name(), named, List.of(), byIp.pollInterval(),
        byIp.requestTimeout(), byIp.aclToken(), byIp.tls(), byIp.recovery());
    HostResolver resolver = HostResolver.of(hosts);
    Interceptor staleReadFails = chain -> chain.request().url().encodedPath().equals("/v1/operator/raft/configuration")
        ? new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_1_1).code(500)
            .message("Internal Server Error")
            .body(ResponseBody.create("No cluster leader", MediaType.get("text/plain"))).build()
        : chain.proceed(chain.request());
    try (HttpClusterObserver observer = new HttpClusterObserver(clock, resolver, List.of(staleReadFails))) {
      ClusterReconciler loop = loop(cluster, observer, resolver, this::recording);
      LabServer leader = lab.awaitLeader(Duration.ofSeconds(10));
      List<String> killed = lab.servers().stream().map(LabServer::name).filter(n -> !n.equals(leader.name()))
          .limit(1).toList();
      lab.kill(leader.name());
      lab.kill(killed.get(0));
      tickUntil(loop, s -> s == RecoveryState.COOLDOWN || s == RecoveryState.FAILED, 40);
      assertThat(loop.state().state()).isEqualTo(RecoveryState.COOLDOWN);
      List<Verdict> seen = loop.history().recent();
      assertThat(seen).noneMatch(v -> v.cause() == LeaderlessCause.STALE_CONFIGURATION);
      assertThat(seen).anyMatch(v -> v.cause() == LeaderlessCause.VOTERS_DOWN);
    }
    assertThat(calls).noneMatch(c -> c.contains("write-file")).contains(leaderStart(calls));
    assertOneLeaderAndEveryKey(lab);
  }

  private static String leaderStart(List<String> calls) {
    return calls.stream().filter(c -> c.endsWith(":start")).findFirst().orElse("no start");
  }

  /** Issue 8 #5: every server killed after the watchdog saw the cluster healthy: started again with its data. */
  @Test
  void everyServerKilledIsStartedAgainWithItsData(TestLabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    lab.cluster().putKeys("kept", KEYS);
    ClusterConfig cluster = lab.cluster().clusterConfig(recovery());
    try (HttpClusterObserver observer = new HttpClusterObserver(clock)) {
      ClusterReconciler loop = loop(cluster, observer, HostResolver.system(), this::recording);
      loop.tick(); // healthy: the last-known-good topology is recorded
      assertThat(loop.history().latest().orElseThrow().leader()).isPresent();
      for (LabServer s : lab.servers()) {
        lab.kill(s.name());
      }
      tickUntil(loop, s -> s == RecoveryState.COOLDOWN || s == RecoveryState.FAILED, 40);
      assertThat(loop.state().state()).as(loop.history().recent().stream().map(Verdict::summary).toList().toString())
          .isEqualTo(RecoveryState.COOLDOWN);
      assertThat(loop.history().recent()).anyMatch(v -> v.cause() == LeaderlessCause.VOTERS_DOWN
          && v.reachableServers() == 0);
    }
    assertThat(calls).filteredOn(c -> c.endsWith(":start")).hasSize(3);
    assertOneLeaderAndEveryKey(lab);
  }

  /** The cluster with one server's start argv replaced. */
  private static ClusterConfig withStart(ClusterConfig cluster, String server, List<String> start) {
    return cluster.withServers(cluster.servers().stream().map(s -> {
      if (!s.name().equals(server)) {
        return s;
      }
      LocalExecutorConfig e = (LocalExecutorConfig) s.executor();
      return new ServerConfig(s.name(), s.httpAddress(), s.dataDir(), new LocalExecutorConfig(e.stop(), start,
          e.restart()));
    }).toList());
  }

  /** Issue 8 #4: a start that fails after the plan stopped every server: every stopped server runs again. */
  @Test
  void aStartThatFailsPutsBackEveryStoppedServer(TestLabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    lab.cluster().putKeys("kept", KEYS);
    LabScenes.learnTopology(lab.cluster().clusterConfig(recovery()), stateDir, clock);
    String survivor = LabScenes.replaceLeaderAndOneFollower(lab);
    Path marker = stateDir.resolve("failed-once");
    String ctl = lab.server(survivor).ctlScript().toString();
    ClusterConfig cluster = withStart(lab.cluster().clusterConfig(recovery()), survivor, List.of("sh", "-c",
        "if [ -e '" + marker + "' ]; then exec '" + ctl + "' start; else touch '" + marker + "'; exit 1; fi"));
    try (HttpClusterObserver observer = new HttpClusterObserver(clock)) {
      ClusterReconciler loop = loop(cluster, observer, HostResolver.system(), this::recording);
      tickUntil(loop, s -> s == RecoveryState.FAILED || s == RecoveryState.COOLDOWN, 40);
      assertThat(loop.state().state()).isEqualTo(RecoveryState.FAILED);
    }
    assertThat(calls).contains(survivor + ":stop", survivor + ":write-file", survivor + ":remove-file");
    assertThat(lab.servers()).allSatisfy(server -> assertThat(server.running()).as(server.name()).isTrue());
    assertThat(lab.server(survivor).dataDir().resolve("raft/peers.json")).doesNotExist();
    List<AuditEvent.UndoFinished> undone = new AuditJournal(stateDir, cluster.name(), clock)
        .read(AuditEvent.UndoFinished.class);
    assertThat(undone).isNotEmpty().allSatisfy(u -> assertThat(u.success()).as(u.undo()).isTrue());
  }

  /** Issue 8 #4: a preflight that fails (a start program that does not exist) stops nothing. */
  @Test
  void aFailedPreflightStopsNothing(TestLabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    LabScenes.learnTopology(lab.cluster().clusterConfig(recovery()), stateDir, clock);
    String survivor = LabScenes.replaceLeaderAndOneFollower(lab);
    ClusterConfig cluster = withStart(lab.cluster().clusterConfig(recovery()), survivor,
        List.of(stateDir.resolve("no-such-start-program").toString()));
    try (HttpClusterObserver observer = new HttpClusterObserver(clock)) {
      ClusterReconciler loop = loop(cluster, observer, HostResolver.system(), this::recording);
      tickUntil(loop, s -> s == RecoveryState.FAILED || s == RecoveryState.COOLDOWN, 40);
      assertThat(loop.state().state()).isEqualTo(RecoveryState.FAILED);
    }
    assertThat(calls).allMatch(c -> c.endsWith(":check-ready")).isNotEmpty();
    assertThat(lab.servers()).allSatisfy(server -> assertThat(server.running()).as(server.name()).isTrue());
    assertThat(new AuditJournal(stateDir, cluster.name(), clock).read(AuditEvent.StepFinished.class))
        .anySatisfy(e -> assertThat(e.error()).contains("no-such-start-program"));
  }
}
