package io.consulwatchdog.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.plan.Step.BackupRaftDir;
import io.consulwatchdog.plan.Step.RestartAgent;
import io.consulwatchdog.plan.Step.RestartClient;
import io.consulwatchdog.plan.Step.SetBootstrapExpect;
import io.consulwatchdog.plan.Step.StartAgent;
import io.consulwatchdog.plan.Step.StopAgent;
import io.consulwatchdog.plan.Step.VerifyDataReadable;
import io.consulwatchdog.plan.Step.WaitForLeader;
import io.consulwatchdog.plan.Step.WaitForServerUp;
import io.consulwatchdog.plan.Step.WaitForVoters;
import io.consulwatchdog.plan.Step.WritePeersJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a verdict into a recovery plan, trying the configured strategies in order: pure, no I/O.
 *
 * <p>Strategies: restart-down-servers (cause VOTERS_DOWN), peers-json (opt-in, cause
 * STALE_CONFIGURATION, HashiCorp's outage recovery) and bootstrap-expect (the seed's procedure, only
 * for clusters older than Consul 0.7).
 */
public final class Planner {
  /** Starts the configured servers that are down, one at a time. */
  public static final String RESTART_DOWN_SERVERS = "restart-down-servers";
  /** Outage recovery with raft/peers.json. */
  public static final String PEERS_JSON = "peers-json";
  /** The seed's bootstrap_expect=1 procedure, for Consul older than 0.7 only. */
  public static final String BOOTSTRAP_EXPECT = "bootstrap-expect";
  /** The agent config file the seed edits. */
  public static final String SEED_AGENT_CONFIG = "/etc/consul.d/agent.json";
  /** Time allowed for one stop, start or restart. */
  public static final Duration AGENT_TIMEOUT = Duration.ofSeconds(60);
  /** Time allowed to copy a raft directory. */
  public static final Duration BACKUP_TIMEOUT = Duration.ofSeconds(300);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Plans a recovery, or refuses with one reason per strategy tried. */
  public PlanOutcome plan(PlanRequest request) {
    Verdict verdict = request.verdict();
    if (!verdict.code().needsRecovery()) {
      return new PlanOutcome.Refused(List.of("the cluster is " + verdict.code() + ": nothing to recover"));
    }
    List<String> reasons = new ArrayList<>();
    for (String strategy : request.cluster().recovery().strategies()) {
      Attempt attempt = switch (strategy) {
        case RESTART_DOWN_SERVERS -> restartDownServers(request);
        case PEERS_JSON -> peersJson(request);
        case BOOTSTRAP_EXPECT -> bootstrapExpect(request);
        default -> Attempt.refuse("unknown strategy");
      };
      if (attempt.steps().isPresent()) {
        List<Step> steps = new ArrayList<>(attempt.steps().get());
        String reason = verdict.summary() + (attempt.note().isEmpty() ? "" : "; " + attempt.note());
        addClientRestarts(request.cluster(), steps);
        return new PlanOutcome.Planned(new RecoveryPlan(request.recoveryId(), request.cluster().name(), strategy,
            reason, request.now(), steps));
      }
      reasons.add(strategy + ": " + attempt.note());
    }
    if (reasons.isEmpty()) {
      reasons.add("no recovery strategy is configured");
    }
    return new PlanOutcome.Refused(reasons);
  }

  /** Starts each configured server that does not answer, then waits for a leader, the voters and a read. */
  private Attempt restartDownServers(PlanRequest r) {
    LeaderlessCause cause = r.verdict().cause();
    if (cause != LeaderlessCause.VOTERS_DOWN) {
      return Attempt.refuse("fits only voters that are down (cause VOTERS_DOWN), the cause is " + cause);
    }
    Map<String, ServerObservation> seen = observations(r);
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
    steps.add(new WaitForVoters(r.cluster().servers().size(), settle));
    steps.add(new VerifyDataReadable(settle));
    return Attempt.plan(steps, "start " + String.join(", ", down.stream().map(ServerConfig::name).toList()));
  }

  /** HashiCorp's outage recovery: stop, back up, write peers.json where raft state exists, start in order. */
  private Attempt peersJson(PlanRequest r) {
    LeaderlessCause cause = r.verdict().cause();
    if (cause != LeaderlessCause.STALE_CONFIGURATION) {
      return Attempt.refuse("fits only a raft configuration whose voters are gone for good "
          + "(cause STALE_CONFIGURATION), the cause is " + cause);
    }
    Map<String, ServerConfig> configured = new LinkedHashMap<>();
    r.cluster().servers().forEach(s -> configured.put(s.name(), s));
    List<ServerObservation> live = r.snapshot().servers().stream()
        .filter(o -> o.reachable() && o.isServer() && configured.containsKey(o.name())).toList();
    if (live.isEmpty()) {
      return Attempt.refuse("no live server answers");
    }
    List<String> maybeRunning = r.snapshot().servers().stream()
        .filter(o -> !o.reachable() && !o.reachability().suggestsDown())
        .map(o -> o.name() + " (" + o.reachability() + ")").toList();
    if (!maybeRunning.isEmpty()) {
      return Attempt.refuse("servers that did not answer but may be running: " + String.join(", ", maybeRunning)
          + "; rewriting the raft configuration without them could split the cluster");
    }
    for (ServerObservation o : live) {
      if (configured.get(o.name()).executor() instanceof NoExecutorConfig) {
        return Attempt.refuse("server " + o.name() + " has executor \"none\": it cannot be stopped and started");
      }
    }
    List<ServerObservation> withState = live.stream().filter(o -> o.lastLogIndex() > 0)
        .sorted(Comparator.comparingLong(ServerObservation::lastLogTerm).reversed()
            .thenComparing(Comparator.comparingLong(ServerObservation::lastLogIndex).reversed()))
        .toList();
    if (withState.isEmpty()) {
      return Attempt.refuse("no live server holds raft state (last_log_index > 0): nothing to recover from");
    }
    List<ServerObservation> empty = live.stream().filter(o -> o.lastLogIndex() <= 0).toList();

    // With a single server holding raft state, the empty servers are listed as voters too: they have no
    // configuration of their own, so they never campaign and can only vote, which makes the one server
    // with data the only possible leader and gives the cluster all its voters at once (no wait for
    // autopilot's promotion). With several servers holding state, empty voters could elect a less
    // up-to-date one and truncate committed entries, so only the servers with state are listed.
    boolean listEmpty = withState.size() == 1 && !empty.isEmpty()
        && empty.stream().allMatch(o -> !o.nodeId().isBlank() && !o.raftAddress().isBlank());
    List<ServerObservation> listed = new ArrayList<>(withState);
    if (listEmpty) {
      listed.addAll(empty);
    }
    List<String> problems = new ArrayList<>();
    List<Peer> keep = new ArrayList<>();
    for (ServerObservation o : listed) {
      Optional<KnownServer> known = r.topology().flatMap(t -> t.byName(o.name()));
      String id = firstNonBlank(o.nodeId(), known.map(KnownServer::nodeId).orElse(""));
      String address = firstNonBlank(o.raftAddress(), known.map(KnownServer::raftAddress).orElse(""));
      if (o.lastLogIndex() > 0 && configured.get(o.name()).dataDir().filter(d -> !d.isBlank()).isEmpty()) {
        problems.add("server " + o.name() + " holds raft state but has no dataDir configured");
      }
      if (id.isEmpty()) {
        problems.add("the node ID of server " + o.name() + " is unknown (not observed, not in the known topology)");
      }
      if (address.isEmpty()) {
        problems.add("the raft address of server " + o.name() + " is unknown");
      }
      keep.add(new Peer(o.name(), id, address));
    }
    int protocol = withState.stream().mapToInt(ServerObservation::raftProtocol).max().orElse(-1);
    if (protocol < 0) {
      protocol = r.topology().map(t -> t.raftProtocol()).filter(p -> p > 0).orElse(-1);
    }
    if (protocol < 0) {
      problems.add("the raft protocol version is unknown");
    }
    if (!problems.isEmpty()) {
      return Attempt.refuse(String.join("; ", problems));
    }

    String content = peersJsonContent(keep, protocol);
    Duration settle = r.cluster().recovery().settleTimeout();
    List<Step> steps = new ArrayList<>();
    live.forEach(o -> steps.add(new StopAgent(o.name(), AGENT_TIMEOUT)));
    for (ServerObservation o : withState) {
      String dataDir = trimSlash(configured.get(o.name()).dataDir().orElseThrow());
      steps.add(new BackupRaftDir(o.name(), dataDir + "/raft", dataDir + "/raft.backup-" + r.recoveryId(),
          BACKUP_TIMEOUT));
    }
    for (ServerObservation o : withState) {
      String dataDir = trimSlash(configured.get(o.name()).dataDir().orElseThrow());
      steps.add(new WritePeersJson(o.name(), dataDir + "/raft/peers.json", content, AGENT_TIMEOUT));
    }
    if (listEmpty) {
      // the leader needs the empty servers' votes: start them all (their start-up overlaps), verify
      // each one answers, then wait for the leader
      listed.forEach(o -> steps.add(new StartAgent(o.name(), AGENT_TIMEOUT)));
      listed.forEach(o -> steps.add(new WaitForServerUp(o.name(), settle)));
      steps.add(new WaitForLeader(settle));
    } else {
      for (ServerObservation o : withState) {
        steps.add(new StartAgent(o.name(), AGENT_TIMEOUT));
        steps.add(new WaitForServerUp(o.name(), settle));
      }
      steps.add(new WaitForLeader(settle));
      for (ServerObservation o : empty) {
        steps.add(new StartAgent(o.name(), AGENT_TIMEOUT));
        steps.add(new WaitForServerUp(o.name(), settle));
      }
    }
    steps.add(new WaitForVoters(live.size(), settle));
    steps.add(new VerifyDataReadable(settle));
    List<String> leftOut = r.cluster().servers().stream().map(ServerConfig::name)
        .filter(n -> live.stream().noneMatch(o -> o.name().equals(n))).toList();
    String note = "keep " + String.join(", ", keep.stream().map(Peer::name).toList())
        + " (most up-to-date first: " + withState.get(0).name() + " term " + withState.get(0).lastLogTerm()
        + " index " + withState.get(0).lastLogIndex() + ")"
        + (empty.isEmpty() ? "" : listEmpty
            ? "; empty servers listed as voters (they cannot campaign, only vote)"
            : "; empty servers join afterwards: " + String.join(", ", empty.stream().map(ServerObservation::name).toList()))
        + (leftOut.isEmpty() ? "" : "; not answering, left out: " + String.join(", ", leftOut));
    return Attempt.plan(steps, note);
  }

  /** The seed's procedure, refused on Consul 0.7 and later where it causes split brain and data loss. */
  private Attempt bootstrapExpect(PlanRequest r) {
    Map<String, ServerObservation> seen = observations(r);
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
    names.forEach(n -> steps.add(new SetBootstrapExpect(n, SEED_AGENT_CONFIG, 1, AGENT_TIMEOUT)));
    for (String n : names) {
      steps.add(new StartAgent(n, AGENT_TIMEOUT));
      steps.add(new WaitForServerUp(n, settle));
    }
    for (String n : names) {
      steps.add(new SetBootstrapExpect(n, SEED_AGENT_CONFIG, expect, AGENT_TIMEOUT));
      steps.add(new RestartAgent(n, AGENT_TIMEOUT));
      steps.add(new WaitForServerUp(n, settle));
    }
    steps.add(new WaitForLeader(settle));
    steps.add(new WaitForVoters(expect, settle));
    steps.add(new VerifyDataReadable(settle));
    return Attempt.plan(steps, "the seed's procedure for Consul < 0.7 (servers restarted in config order)");
  }

  private static void addClientRestarts(ClusterConfig cluster, List<Step> steps) {
    if (!cluster.recovery().restartClients()) {
      return;
    }
    cluster.clients().stream().filter(c -> !(c.executor() instanceof NoExecutorConfig))
        .forEach(c -> steps.add(new RestartClient(c.name(), AGENT_TIMEOUT)));
  }

  /** The peers.json text: objects with id, address, non_voter on raft protocol 3, addresses before. */
  static String peersJsonContent(List<Peer> keep, int protocol) {
    try {
      if (protocol >= 3) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Peer p : keep) {
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("id", p.id());
          e.put("address", p.address());
          e.put("non_voter", false);
          entries.add(e);
        }
        return JSON.writeValueAsString(entries);
      }
      return JSON.writeValueAsString(keep.stream().map(Peer::address).toList());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, ServerObservation> observations(PlanRequest r) {
    Map<String, ServerObservation> byName = new LinkedHashMap<>();
    r.snapshot().servers().forEach(o -> byName.put(o.name(), o));
    return byName;
  }

  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : b == null ? "" : b;
  }

  private static String trimSlash(String dir) {
    return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }

  /** A server kept in peers.json. */
  record Peer(String name, String id, String address) {}

  /** One strategy's answer: steps and a note, or no steps and the reason. */
  private record Attempt(Optional<List<Step>> steps, String note) {
    static Attempt plan(List<Step> steps, String note) {
      return new Attempt(Optional.of(steps), note);
    }

    static Attempt refuse(String reason) {
      return new Attempt(Optional.empty(), reason);
    }
  }
}
