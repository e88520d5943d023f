package io.consulwatchdog.plan;

import static io.consulwatchdog.Fixtures.T0;
import static io.consulwatchdog.Fixtures.down;
import static io.consulwatchdog.Fixtures.snapshot;
import static io.consulwatchdog.Fixtures.up;
import static io.consulwatchdog.Fixtures.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.diagnose.VoterFate;
import io.consulwatchdog.diagnose.VoterStatus;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.KnownTopology;
import io.consulwatchdog.observe.RaftServer;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.plan.Step.BackupRaftDir;
import io.consulwatchdog.plan.Step.MoveDirectory;
import io.consulwatchdog.plan.Step.RestartClient;
import io.consulwatchdog.plan.Step.SetBootstrapExpect;
import io.consulwatchdog.plan.Step.StartAgent;
import io.consulwatchdog.plan.Step.StartAgents;
import io.consulwatchdog.plan.Step.StopAgent;
import io.consulwatchdog.plan.Step.StopAgents;
import io.consulwatchdog.plan.Step.VerifyDataReadable;
import io.consulwatchdog.plan.Step.VerifyWritable;
import io.consulwatchdog.plan.Step.WaitForLeader;
import io.consulwatchdog.plan.Step.WaitForServerUp;
import io.consulwatchdog.plan.Step.WaitForVoters;
import io.consulwatchdog.plan.Step.WritePeersJson;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerTest {
  private static final Duration SETTLE = Duration.ofSeconds(20);
  private static final Duration AGENT = Strategy.AGENT_TIMEOUT;
  private static final String ID_A = "11111111-aaaa-aaaa-aaaa-111111111111";
  private static final String ID_C = "33333333-cccc-cccc-cccc-333333333333";
  private static final String ID_D = "44444444-dddd-dddd-dddd-444444444444";
  private final Planner planner = new Planner();

  private static ClusterConfig cluster(List<String> strategies) {
    return Fixtures.cluster(Fixtures.recovery(RecoveryMode.AUTO, strategies), Fixtures.threeServers(), List.of());
  }

  private static PlanOutcome plan(ClusterConfig c, Verdict v, ClusterSnapshot s, Optional<KnownTopology> topo) {
    return new Planner().plan(new PlanRequest(c, v, s, topo, "r42", T0));
  }

  private static RecoveryPlan planned(PlanOutcome outcome) {
    assertThat(outcome).isInstanceOf(PlanOutcome.Planned.class);
    return ((PlanOutcome.Planned) outcome).plan();
  }

  private static List<String> refused(PlanOutcome outcome) {
    assertThat(outcome).isInstanceOf(PlanOutcome.Refused.class);
    return ((PlanOutcome.Refused) outcome).reasons();
  }

  /** Two of three servers killed: s1 alive as a lonely Candidate. */
  private static ClusterSnapshot twoDown() {
    return snapshot(T0, up("s1", 1, ID_A, "Candidate", 5, 300, "", "1.8.7", 3), down("s2", 2), down("s3", 3));
  }

  @Test
  void restartDownServersStartsEachDownServerThenWaits() {
    RecoveryPlan plan = planned(plan(cluster(List.of("restart-down-servers")),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0, "s2", "s3"), twoDown(), Optional.empty()));
    assertThat(plan.steps()).containsExactly(
        new StartAgent("s2", AGENT), new WaitForServerUp("s2", SETTLE),
        new StartAgent("s3", AGENT), new WaitForServerUp("s3", SETTLE),
        new WaitForLeader(SETTLE), new VerifyWritable("consul-watchdog/verify/r42", SETTLE));
    assertThat(plan.strategy()).isEqualTo("restart-down-servers");
    assertThat(plan.id()).isEqualTo("r42");
    assertThat(plan.reason()).contains("QUORUM_LOST").contains("start s2, s3");
    assertThat(plan.steps()).noneMatch(Step::destructive);
  }

  @Test
  void restartDownServersAlsoFitsLeaderlessWithVotersDown() {
    RecoveryPlan plan = planned(plan(cluster(List.of("restart-down-servers")),
        verdict(DiagnosisCode.LEADERLESS, LeaderlessCause.VOTERS_DOWN, T0), twoDown(), Optional.empty()));
    assertThat(plan.steps()).hasSize(6);
  }

  @Test
  void restartDownServersRefusesAServerItMayNotControl() {
    List<ServerConfig> servers = List.of(Fixtures.server("s1", 1), Fixtures.server("s2", 2),
        new ServerConfig("s3", URI.create("http://127.0.0.3:8500"), Optional.empty(), new NoExecutorConfig()));
    ClusterConfig c = Fixtures.cluster(Fixtures.recovery(RecoveryMode.AUTO, List.of("restart-down-servers")),
        servers, List.of());
    assertThat(refused(plan(c, verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0), twoDown(),
        Optional.empty()))).singleElement().asString().contains("s3").contains("executor \"none\"");
  }

  @Test
  void noStrategyFitsANoElectionCause() {
    List<String> reasons = refused(plan(cluster(List.of("restart-down-servers", "peers-json")),
        verdict(DiagnosisCode.LEADERLESS, LeaderlessCause.NO_ELECTION, T0), twoDown(), Optional.empty()));
    assertThat(reasons).hasSize(2);
    assertThat(reasons.get(0)).startsWith("restart-down-servers: ").contains("NO_ELECTION");
    assertThat(reasons.get(1)).startsWith("peers-json: ").contains("STALE_CONFIGURATION");
  }

  @Test
  void aClusterThatNeedsNoRecoveryGetsNoPlan() {
    assertThat(refused(plan(cluster(List.of("restart-down-servers")),
        verdict(DiagnosisCode.ELECTION_IN_PROGRESS, LeaderlessCause.NONE, T0), twoDown(), Optional.empty())))
        .singleElement().asString().contains("nothing to recover");
  }

  // --- peers-json -------------------------------------------------------------------------------------------

  /** The field notes' stuck state: s1 survived with the old configuration, s2 and s3 are fresh and empty. */
  private static ClusterSnapshot replaced() {
    return snapshot(T0, up("s1", 1, ID_A, "Candidate", 7, 412, "", "1.8.7", 3),
        up("s2", 2, "22222222-bbbb-bbbb-bbbb-222222222222", "Follower", 0, 0, "", "1.8.7", 3),
        up("s3", 3, ID_C, "Follower", 0, 0, "", "1.8.7", 3));
  }

  private static Verdict stale() {
    return Fixtures.staleVerdict(T0, "s2", "s3");
  }

  @Test
  void peersJsonIsNeverTheDefault() {
    assertThat(RecoveryConfig.defaults().strategies()).doesNotContain("peers-json");
    ClusterConfig defaults = Fixtures.cluster(RecoveryConfig.defaults(), Fixtures.threeServers(), List.of());
    assertThat(refused(plan(defaults, stale(), replaced(), Optional.empty()))).singleElement().asString()
        .startsWith("restart-down-servers: ").contains("STALE_CONFIGURATION");
  }

  @Test
  void peersJsonIsTriedWhenTheFirstStrategyDoesNotFitTheCause() {
    RecoveryPlan plan = planned(plan(cluster(List.of("restart-down-servers", "peers-json")), stale(), replaced(),
        Optional.empty()));
    assertThat(plan.strategy()).isEqualTo("peers-json");
    assertThat(plan.steps().subList(0, 3)).extracting(st -> ((Step.Preflight) st).server())
        .containsExactly("s1", "s2", "s3");
    assertThat(((Step.Preflight) plan.steps().get(0)).operations()).contains(new AgentOperation.Stop(),
        new AgentOperation.Start(), new AgentOperation.RemoveFile("/data/s1/raft/peers.json"));
    assertThat(plan.steps().subList(3, plan.steps().size())).containsExactly(
        new StopAgents(List.of("s1", "s2", "s3"), AGENT),
        new BackupRaftDir("s1", "/data/s1/raft", "/data/s1/raft.backup-r42", Strategy.BACKUP_TIMEOUT),
        new WritePeersJson("s1", "/data/s1/raft/peers.json",
            "[{\"id\":\"" + ID_A + "\",\"address\":\"127.0.0.1:8300\",\"non_voter\":false},"
                + "{\"id\":\"22222222-bbbb-bbbb-bbbb-222222222222\",\"address\":\"127.0.0.2:8300\",\"non_voter\":false},"
                + "{\"id\":\"" + ID_C + "\",\"address\":\"127.0.0.3:8300\",\"non_voter\":false}]", AGENT),
        new StartAgent("s1", AGENT), new WaitForServerUp("s1", SETTLE),
        new StartAgents(List.of("s2", "s3"), AGENT),
        new WaitForServerUp("s2", SETTLE), new WaitForServerUp("s3", SETTLE),
        new WaitForLeader(SETTLE), new VerifyWritable("consul-watchdog/verify/r42", SETTLE));
    assertThat(plan.reason()).contains("keep s1").contains("list s2, s3 as voters");
    // peers.json goes only to the server with raft state: empty servers refuse it and exit
    assertThat(plan.steps()).filteredOn(st -> st instanceof WritePeersJson).hasSize(1);
  }

  @Test
  void theMostUpToDateServerIsRecoveredAloneAndTheOthersRejoinEmpty() {
    // s3 has the higher last_log_term; s1 holds state too (less up-to-date); s2 is empty
    ClusterSnapshot s = snapshot(T0, up("s1", 1, ID_A, "Candidate", 7, 900, "", "1.8.7", 3),
        up("s2", 2, "22222222-bbbb-bbbb-bbbb-222222222222", "Follower", 0, 0, "", "1.8.7", 3),
        up("s3", 3, ID_C, "Candidate", 8, 100, "", "1.8.7", 3));
    RecoveryPlan plan = planned(plan(cluster(List.of("peers-json")), stale(), s, Optional.empty()));
    List<Step> steps = plan.steps().stream().filter(st -> !(st instanceof Step.Preflight)).toList();
    String expected = "[{\"id\":\"" + ID_C + "\",\"address\":\"127.0.0.3:8300\",\"non_voter\":false},"
        + "{\"id\":\"" + ID_A + "\",\"address\":\"127.0.0.1:8300\",\"non_voter\":false},"
        + "{\"id\":\"22222222-bbbb-bbbb-bbbb-222222222222\",\"address\":\"127.0.0.2:8300\",\"non_voter\":false}]";
    assertThat(steps).containsExactly(
        new StopAgents(List.of("s1", "s2", "s3"), AGENT),
        new BackupRaftDir("s3", "/data/s3/raft", "/data/s3/raft.backup-r42", Strategy.BACKUP_TIMEOUT),
        new MoveDirectory("s1", "/data/s1/raft", "/data/s1/raft.moved-r42", AGENT),
        new WritePeersJson("s3", "/data/s3/raft/peers.json", expected, AGENT),
        new StartAgent("s3", AGENT), new WaitForServerUp("s3", SETTLE),
        new StartAgents(List.of("s1", "s2"), AGENT), new WaitForServerUp("s1", SETTLE),
        new WaitForServerUp("s2", SETTLE), new WaitForLeader(SETTLE),
        new VerifyWritable("consul-watchdog/verify/r42", SETTLE));
    assertThat(plan.reason()).contains("keep s3 (the most up-to-date: term 8 index 100)")
        .contains("the raft state of s1 (term 7 index 900) is moved aside");
    // every destructive step can be undone: start what was stopped, move the raft state back, remove peers.json
    assertThat(steps.get(2).undo()).contains(new MoveDirectory("s1", "/data/s1/raft.moved-r42", "/data/s1/raft", AGENT));
    assertThat(steps.get(0).undo()).contains(new StartAgents(List.of("s1", "s2", "s3"), AGENT));
  }

  @Test
  void survivorsFromDifferentRaftHistoriesAreRefused() {
    ClusterSnapshot s = snapshot(T0,
        withConfiguration(up("s1", 1, ID_A, "Candidate", 7, 900, "", "1.8.7", 3), ID_A, "99999999-9999-9999-9999-999999999999"),
        up("s2", 2, "22222222-bbbb-bbbb-bbbb-222222222222", "Follower", 0, 0, "", "1.8.7", 3),
        withConfiguration(up("s3", 3, ID_C, "Candidate", 8, 100, "", "1.8.7", 3), ID_C, ID_A));
    assertThat(refused(plan(cluster(List.of("peers-json")), stale(), s, Optional.empty()))).singleElement()
        .asString().contains("different raft histories");
  }

  private static ServerObservation withConfiguration(ServerObservation o, String... ids) {
    List<RaftServer> config = Arrays.stream(ids).map(id -> new RaftServer(id, "", "127.0.0.9:8300", true))
        .toList();
    return new ServerObservation(o.name(), o.address(), o.reachability(), o.error(), o.nodeId(), o.nodeName(),
        o.version(), o.isServer(), o.raftState(), o.term(), o.lastLogIndex(), o.lastLogTerm(), o.lastContact(),
        o.raftProtocol(), o.raftAddress(), o.leader(), o.peers(), Optional.of(config), o.members(), o.requestErrors());
  }

  @Test
  void equalTermsAreOrderedByLastLogIndex() {
    ClusterSnapshot s = snapshot(T0, up("s1", 1, ID_A, "Candidate", 8, 100, "", "1.8.7", 3),
        up("s2", 2, "22222222-bbbb-bbbb-bbbb-222222222222", "Follower", 0, 0, "", "1.8.7", 3),
        up("s3", 3, ID_C, "Candidate", 8, 250, "", "1.8.7", 3));
    RecoveryPlan plan = planned(plan(cluster(List.of("peers-json")), stale(), s, Optional.empty()));
    assertThat(plan.steps().stream().filter(StartAgent.class::isInstance).map(st -> ((StartAgent) st).server()))
        .containsExactly("s3");
    assertThat(plan.steps()).contains(new MoveDirectory("s1", "/data/s1/raft", "/data/s1/raft.moved-r42", AGENT));
  }

  @Test
  void raftProtocolTwoListsAddressesOnly() {
    ClusterSnapshot s = snapshot(T0, up("s1", 1, ID_A, "Candidate", 7, 412, "", "0.8.5", 2),
        up("s2", 2, "", "Follower", 0, 0, "", "0.8.5", 2), up("s3", 3, ID_C, "Candidate", 7, 400, "", "0.8.5", 2));
    RecoveryPlan plan = planned(plan(cluster(List.of("peers-json")), stale(), s, Optional.empty()));
    WritePeersJson w = (WritePeersJson) plan.steps().stream().filter(WritePeersJson.class::isInstance).findFirst()
        .orElseThrow();
    assertThat(w.content()).isEqualTo("[\"127.0.0.1:8300\",\"127.0.0.3:8300\"]");
  }

  @Test
  void peersJsonRefusesWithoutADataDirNamingTheServer() {
    List<ServerConfig> servers = List.of(
        new ServerConfig("s1", URI.create("http://127.0.0.1:8500"), Optional.empty(),
            Fixtures.server("s1", 1).executor()),
        Fixtures.server("s2", 2), Fixtures.server("s3", 3));
    ClusterConfig c = Fixtures.cluster(Fixtures.recovery(RecoveryMode.AUTO, List.of("peers-json")), servers,
        List.of());
    assertThat(refused(plan(c, stale(), replaced(), Optional.empty()))).singleElement().asString()
        .contains("server s1 holds raft state but has no dataDir configured");
  }

  @Test
  void peersJsonRefusesAnUnknownNodeIdAndFallsBackToTheKnownTopology() {
    ClusterSnapshot noId = snapshot(T0, up("s1", 1, "", "Candidate", 7, 412, "", "1.8.7", 3),
        up("s2", 2, "", "Follower", 0, 0, "", "1.8.7", 3), up("s3", 3, "", "Follower", 0, 0, "", "1.8.7", 3));
    assertThat(refused(plan(cluster(List.of("peers-json")), stale(), noId, Optional.empty()))).singleElement()
        .asString().contains("node ID or raft address of server s1 is unknown");

    KnownTopology topo = new KnownTopology("dc1", T0.minusSeconds(600), 3,
        List.of(new KnownServer("s1", ID_D, "127.0.0.1:8300", "1.8.7", true)));
    RecoveryPlan plan = planned(plan(cluster(List.of("peers-json")), stale(), noId, Optional.of(topo)));
    // the empty servers' IDs are unknown: they are not listed and join after the leader is elected
    assertThat(plan.steps()).contains(new WritePeersJson("s1", "/data/s1/raft/peers.json",
        "[{\"id\":\"" + ID_D + "\",\"address\":\"127.0.0.1:8300\",\"non_voter\":false}]", AGENT));
    assertThat(plan.reason()).contains("node ID unknown, they join after the election: s2, s3");
    assertThat(plan.steps().indexOf(new WaitForLeader(SETTLE)))
        .isLessThan(plan.steps().indexOf(new StartAgents(List.of("s2", "s3"), AGENT)));
  }

  @Test
  void peersJsonRefusesWhenNoLiveServerHoldsRaftState() {
    ClusterSnapshot empty = snapshot(T0, up("s1", 1, ID_A, "Follower", 0, 0, "", "1.8.7", 3),
        up("s2", 2, ID_C, "Follower", 0, 0, "", "1.8.7", 3), down("s3", 3));
    assertThat(refused(plan(cluster(List.of("peers-json")), stale(), empty, Optional.empty()))).singleElement()
        .asString().contains("no live server holds raft state");
  }

  @Test
  void peersJsonRefusesVotersThatAreMerelyDown() {
    assertThat(refused(plan(cluster(List.of("peers-json")),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0), twoDown(), Optional.empty())))
        .singleElement().asString().contains("VOTERS_DOWN");
  }

  @Test
  void peersJsonLeavesOutServersThatDoNotAnswerAndSaysSo() {
    ClusterSnapshot s = snapshot(T0, up("s1", 1, ID_A, "Candidate", 7, 412, "", "1.8.7", 3),
        up("s2", 2, "22222222-bbbb-bbbb-bbbb-222222222222", "Follower", 0, 0, "", "1.8.7", 3), down("s3", 3));
    RecoveryPlan plan = planned(plan(cluster(List.of("peers-json")), stale(), s, Optional.empty()));
    assertThat(plan.steps()).contains(new StopAgents(List.of("s1", "s2"), AGENT), new StartAgents(List.of("s2"), AGENT));
    assertThat(plan.reason()).contains("not answering, left out: s3");
  }

  @Test
  void peersJsonRefusesWhileAServerThatDidNotAnswerMayBeRunning() {
    ClusterSnapshot s = snapshot(T0, up("s1", 1, ID_A, "Candidate", 7, 412, "", "1.8.7", 3),
        up("s2", 2, "22222222-bbbb-bbbb-bbbb-222222222222", "Follower", 0, 0, "", "1.8.7", 3),
        ServerObservation.unreachable("s3", URI.create("http://127.0.0.3:8500"),
            Reachability.TIMEOUT, "timed out"));
    assertThat(refused(plan(cluster(List.of("peers-json")), stale(), s, Optional.empty()))).singleElement()
        .asString().contains("may be running: s3 (TIMEOUT)");
  }

  // --- bootstrap-expect -----------------------------------------------------------------------------------

  @Test
  void bootstrapExpectIsRefusedOnModernConsul() {
    List<String> reasons = refused(plan(cluster(List.of("bootstrap-expect")),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0), twoDown(),
        Optional.of(new KnownTopology("dc1", T0, 3, List.of(
            new KnownServer("s2", ID_C, "127.0.0.2:8300", "1.8.7", true),
            new KnownServer("s3", ID_D, "127.0.0.3:8300", "1.8.7", true))))));
    assertThat(reasons).singleElement().asString()
        .startsWith("bootstrap-expect: refused on Consul >= 0.7")
        .contains("s1 runs 1.8.7")
        .contains("ignored once raft data exists")
        .contains("split brain")
        .contains("loses data");
  }

  @Test
  void bootstrapExpectIsRefusedWhenAVersionIsUnknown() {
    ClusterSnapshot old = snapshot(T0, up("s1", 1, ID_A, "Follower", 3, 30, "", "0.6.4", 2), down("s2", 2),
        down("s3", 3));
    assertThat(refused(plan(cluster(List.of("bootstrap-expect")),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0), old, Optional.empty())))
        .singleElement().asString().contains("version of s2, s3 is unknown");
  }

  @Test
  void bootstrapExpectFollowsTheSeedBelowConsulSeven() {
    ClusterSnapshot old = snapshot(T0, up("s1", 1, ID_A, "Follower", 3, 30, "", "0.5.2", 2),
        up("s2", 2, ID_C, "Follower", 3, 30, "", "0.5.2", 2), up("s3", 3, ID_D, "Follower", 3, 30, "", "v0.6.4", 2));
    RecoveryPlan plan = planned(plan(cluster(List.of("bootstrap-expect")),
        verdict(DiagnosisCode.LEADERLESS, LeaderlessCause.NO_ELECTION, T0), old, Optional.empty()));
    List<Step> steps = plan.steps().stream().filter(st -> !(st instanceof Step.Preflight)).toList();
    assertThat(plan.steps().get(0)).isInstanceOf(Step.Preflight.class);
    assertThat(steps.subList(0, 6)).containsExactly(
        new StopAgent("s1", AGENT), new StopAgent("s2", AGENT), new StopAgent("s3", AGENT),
        new SetBootstrapExpect("s1", BootstrapExpect.SEED_AGENT_CONFIG, 1, 3, AGENT),
        new SetBootstrapExpect("s2", BootstrapExpect.SEED_AGENT_CONFIG, 1, 3, AGENT),
        new SetBootstrapExpect("s3", BootstrapExpect.SEED_AGENT_CONFIG, 1, 3, AGENT));
    assertThat(steps).contains(new SetBootstrapExpect("s3", BootstrapExpect.SEED_AGENT_CONFIG, 3, 3, AGENT),
        new Step.RestartAgent("s3", AGENT));
    assertThat(steps.get(steps.size() - 1)).isEqualTo(new VerifyWritable("consul-watchdog/verify/r42", SETTLE));
  }

  // --- common ---------------------------------------------------------------------------------------------

  @Test
  void clientsAreRestartedAtTheEndWhenAsked() {
    RecoveryConfig r = Fixtures.recovery(RecoveryMode.AUTO, List.of("restart-down-servers"));
    RecoveryConfig withClients = new RecoveryConfig(r.mode(), r.strategies(), r.leaderlessAfter(), r.confirmPolls(),
        r.confirmWindow(), r.cooldown(), r.maxFailures(), r.failureWindow(), r.settleTimeout(), true);
    ServerConfig quiet = new ServerConfig("c2", URI.create("http://127.0.0.12:8500"), Optional.empty(),
        new NoExecutorConfig());
    ClusterConfig c = Fixtures.cluster(withClients, Fixtures.threeServers(), List.of(Fixtures.server("c1", 11), quiet));
    RecoveryPlan plan = planned(plan(c, verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0),
        twoDown(), Optional.empty()));
    assertThat(plan.steps().get(plan.steps().size() - 1)).isEqualTo(new RestartClient("c1", AGENT));
    assertThat(plan.steps()).doesNotContain(new RestartClient("c2", AGENT));
  }

  @Test
  void anUnknownStrategyIsNamedInTheRefusal() {
    assertThat(refused(plan(cluster(List.of("reboot-everything")),
        verdict(DiagnosisCode.QUORUM_LOST, LeaderlessCause.VOTERS_DOWN, T0), twoDown(), Optional.empty())))
        .containsExactly("reboot-everything: unknown strategy");
  }

  /** The stale verdict with old-3's fate replaced. */
  private static Verdict staleWith(VoterFate old3) {
    Verdict v = stale();
    List<VoterFate> fates = List.of(v.voterFates().get(0), v.voterFates().get(1), old3);
    return new Verdict(v.cluster(), v.at(), v.code(), v.cause(), v.evidence(), v.leader(), v.leaderlessFor(),
        v.configuredServers(), v.reachableServers(), v.voters(), v.liveVoters(), v.concerned(), v.monotonicNanos(),
        fates, v.nameMismatches());
  }

  @Test
  void peersJsonLeavesOutOnlyVotersProvenGone() {
    VoterFate unknown = new VoterFate("id-old-3", "", "127.0.0.13:8300", VoterStatus.UNKNOWN, Optional.empty(),
        "matches no configured server", false);
    assertThat(refused(plan(cluster(List.of("peers-json")), staleWith(unknown), replaced(), Optional.empty())))
        .singleElement().asString().contains("id-old-3").contains("unknown, not proven gone");

    VoterFate aliveInGossip = new VoterFate("id-old-3", "old-3", "127.0.0.13:8300", VoterStatus.GONE,
        Optional.empty(), "removed from the inventory", true);
    assertThat(refused(plan(cluster(List.of("peers-json")), staleWith(aliveInGossip), replaced(), Optional.empty())))
        .singleElement().asString().contains("old-3").contains("alive in gossip");
  }

  @Test
  void peersJsonRefusesWithoutGossipEvidence() {
    ClusterSnapshot noGossip = snapshot(T0, replaced().servers().stream()
        .map(o -> new ServerObservation(o.name(), o.address(), o.reachability(), o.error(), o.nodeId(), o.nodeName(),
            o.version(), o.isServer(), o.raftState(), o.term(), o.lastLogIndex(), o.lastLogTerm(), o.lastContact(),
            o.raftProtocol(), o.raftAddress(), o.leader(), o.peers(), o.raftConfiguration(), Optional.of(List.of()),
            o.requestErrors()))
        .toArray(ServerObservation[]::new));
    assertThat(refused(plan(cluster(List.of("peers-json")), stale(), noGossip, Optional.empty()))).singleElement()
        .asString().contains("no gossip evidence").contains("node:read");
  }

  @Test
  void peersJsonAndBootstrapExpectAreBlockedByANodeNameMismatch() {
    Verdict v = stale();
    Verdict mismatched = new Verdict(v.cluster(), v.at(), v.code(), v.cause(), v.evidence(), v.leader(),
        v.leaderlessFor(), v.configuredServers(), v.reachableServers(), v.voters(), v.liveVoters(), v.concerned(),
        v.monotonicNanos(), v.voterFates(), List.of("s1 (agent says consul-1)"));
    assertThat(refused(plan(cluster(List.of("peers-json", "bootstrap-expect")), mismatched, replaced(),
        Optional.empty()))).allSatisfy(r -> assertThat(r).contains("s1 (agent says consul-1)"));
  }

  @Test
  void theLeftOutVotersLastLogIndexIsRecordedWhenTheWatchdogSawIt() {
    RecoveryPlan plan = planned(new Planner().plan(new PlanRequest(cluster(List.of("peers-json")), stale(),
        replaced(), Optional.empty(), "r42", T0, Map.of("id-old-2", 4711L))));
    assertThat(plan.leftOut()).extracting(LeftOutVoter::lastKnownLogIndex).containsExactly(4711L, -1L);
  }

  @Test
  void thePlanRendersAndRoundTripsThroughJson() {
    RecoveryPlan plan = planned(plan(cluster(List.of("peers-json")), stale(), replaced(), Optional.empty()));
    String text = plan.render();
    assertThat(text.lines().toList()).hasSize(2 + plan.leftOut().size() + plan.steps().size());
    assertThat(plan.leftOut()).extracting(LeftOutVoter::nodeId).containsExactly("id-old-2", "id-old-3");
    assertThat(text).contains("recovery r42 for cluster dc1 (strategy peers-json")
        .contains("left out: old-2 id-old-2 at 127.0.0.12:8300, last log index seen unknown: removed from the inventory")
        .contains("   1. check that s1 can stop, start, backup-directory, write-file, remove-file")
        .contains("   4. stop agents s1, s2, s3 together (no graceful leave)  [destructive; undo: start agents s1, s2, s3 together]")
        .contains("on s1: [{\"id\"").contains("[destructive; undo: remove /data/s1/raft/peers.json on s1]")
        .contains("write /data/s1/raft/peers.json on s1")
        .contains("back up /data/s1/raft on s1 to /data/s1/raft.backup-r42");
    assertThat(plan.toString()).isEqualTo(text);
    assertThat(RecoveryPlan.fromJson(plan.toJson())).isEqualTo(plan);
    assertThat(plan.toJson()).contains("\"type\":\"write-peers-json\"");
  }

  @Test
  void everyStepKindRoundTripsThroughJson() {
    RecoveryPlan plan = new RecoveryPlan("r1", "dc1", "bootstrap-expect", "test", T0, List.of(
        new StopAgent("s1", AGENT), new StartAgent("s1", AGENT), new Step.RestartAgent("s1", AGENT),
        new BackupRaftDir("s1", "/a", "/b", AGENT), new WritePeersJson("s1", "/p", "[\"x\"]", AGENT),
        new SetBootstrapExpect("s1", "/etc/consul.d/agent.json", 1, 3, AGENT), new WaitForServerUp("s1", SETTLE),
        new WaitForLeader(SETTLE), new WaitForVoters(3, SETTLE), new VerifyDataReadable(SETTLE),
        new RestartClient("c1", AGENT)));
    assertThat(RecoveryPlan.fromJson(plan.toJson())).isEqualTo(plan);
    assertThat(plan.steps()).filteredOn(Step::destructive).extracting(Step::kind).containsExactly(
        "stop-agent", "restart-agent", "write-peers-json", "set-bootstrap-expect", "restart-client");
  }

  @Test
  void stepKindsMatchTheirJsonNames() {
    assertThat(new StopAgent("s1", AGENT).kind()).isEqualTo("stop-agent");
    assertThat(new WaitForVoters(3, SETTLE).kind()).isEqualTo("wait-for-voters");
    assertThat(new RestartClient("c1", AGENT).kind()).isEqualTo("restart-client");
  }
}
