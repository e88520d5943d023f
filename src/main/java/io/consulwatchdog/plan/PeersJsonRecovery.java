package io.consulwatchdog.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.diagnose.VoterFate;
import io.consulwatchdog.diagnose.VoterStatus;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.observe.KnownServer;
import io.consulwatchdog.observe.Member;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.plan.Step.BackupRaftDir;
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
 * HashiCorp's outage recovery (opt-in, never a default): stop every live server without a leave, back up
 * each raft directory that holds state, write raft/peers.json where raft state exists, start the most
 * up-to-date server first. Cures STALE_CONFIGURATION: a majority of the voters gone for good.
 */
public final class PeersJsonRecovery implements Strategy {
  /** The strategy's name in recovery.strategies. */
  public static final String NAME = "peers-json";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Fit fits(Verdict verdict) {
    return verdict.cause() == LeaderlessCause.STALE_CONFIGURATION ? Fit.yes()
        : Fit.no("fits only a raft configuration whose voters are gone for good (cause STALE_CONFIGURATION), "
            + "the cause is " + verdict.cause());
  }

  @Override
  public Attempt plan(PlanRequest r) {
    Optional<String> unproven = unprovenVoters(r);
    if (unproven.isPresent()) {
      return Attempt.refuse(unproven.get());
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

    String content = content(keep, protocol);
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
    return Attempt.plan(steps, note, leftOut(r));
  }

  /**
   * Why a voter that would be left out is not proven gone, if one is: peers.json may leave out only voters
   * whose data cannot come back, since a left-out voter that returns with its data brings back the old
   * configuration (two leaders).
   */
  private static Optional<String> unprovenVoters(PlanRequest r) {
    Verdict v = r.verdict();
    if (!v.nameMismatches().isEmpty()) {
      return Optional.of("configured names differ from the agents' node names (" + String.join(", ",
          v.nameMismatches()) + "): voters cannot be matched with certainty; fix the names in the config");
    }
    if (v.voterFates().isEmpty()) {
      return Optional.of("the diagnosis names no voters of the raft configuration: nothing proves which are gone");
    }
    List<String> problems = new ArrayList<>();
    for (VoterFate f : v.voterFates()) {
      if (f.status() == VoterStatus.LIVE) {
        continue;
      }
      if (f.aliveInGossip()) {
        problems.add("voter " + f.label() + " is alive in gossip: it may be running");
      } else if (f.status() != VoterStatus.GONE) {
        problems.add("voter " + f.label() + " is " + f.status().name().toLowerCase() + ", not proven gone: "
            + f.why());
      }
    }
    if (!problems.isEmpty()) {
      return Optional.of(String.join("; ", problems));
    }
    boolean gossip = r.snapshot().reachable().stream()
        .anyMatch(o -> o.members().map(m -> m.stream().anyMatch(Member::server)).orElse(false));
    if (!gossip) {
      return Optional.of("no gossip evidence: no live server listed the server members in /v1/agent/members "
          + "(the watchdog's token needs node:read, see the README's ACL policy), so a left-out voter that is "
          + "still running cannot be ruled out");
    }
    return Optional.empty();
  }

  /** The voters left out of peers.json, each with the evidence that it is gone. */
  private static List<LeftOutVoter> leftOut(PlanRequest r) {
    return r.verdict().voterFates().stream().filter(f -> f.status() == VoterStatus.GONE)
        .map(f -> new LeftOutVoter(f.id(), f.node().isEmpty() ? f.server().orElse("") : f.node(), f.address(),
            r.lastLogIndexByNodeId().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(f.id()))
                .map(Map.Entry::getValue).findFirst().orElse(-1L), f.why()))
        .toList();
  }


  /** The peers.json text: objects with id, address, non_voter on raft protocol 3, addresses before. */
  static String content(List<Peer> keep, int protocol) {
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
        return JsonMapper.compact().writeValueAsString(entries);
      }
      return JsonMapper.compact().writeValueAsString(keep.stream().map(Peer::address).toList());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }


  private static String firstNonBlank(String a, String b) {
    return a != null && !a.isBlank() ? a : b == null ? "" : b;
  }

  private static String trimSlash(String dir) {
    return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }

  /** A server kept in peers.json. */
  record Peer(String name, String id, String address) {}
}
