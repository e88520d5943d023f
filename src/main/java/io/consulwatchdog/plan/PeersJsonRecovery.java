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
import io.consulwatchdog.plan.Step.MoveDirectory;
import io.consulwatchdog.plan.Step.StartAgent;
import io.consulwatchdog.plan.Step.StartAgents;
import io.consulwatchdog.plan.Step.StopAgents;
import io.consulwatchdog.plan.Step.VerifyWritable;
import io.consulwatchdog.plan.Step.WaitForLeader;
import io.consulwatchdog.plan.Step.WaitForServerUp;
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
    // Raft state = a log or a snapshot (lastLogIndex covers both); the most up-to-date wins: term, then index.
    List<ServerObservation> withState = live.stream().filter(o -> o.lastLogIndex() > 0)
        .sorted(Comparator.comparingLong(ServerObservation::lastLogTerm).reversed()
            .thenComparing(Comparator.comparingLong(ServerObservation::lastLogIndex).reversed()))
        .toList();
    if (withState.isEmpty()) {
      return Attempt.refuse("no live server holds raft state (a log or a snapshot): nothing to recover from");
    }
    ServerObservation best = withState.get(0);
    List<ServerObservation> others = live.stream().filter(o -> o != best).toList();
    List<ServerObservation> movedAside = withState.subList(1, withState.size());

    List<String> problems = new ArrayList<>();
    Optional<String> foreign = foreignHistory(best, movedAside);
    foreign.ifPresent(problems::add);
    List<Peer> keep = new ArrayList<>();
    List<ServerObservation> joinLater = new ArrayList<>();
    for (ServerObservation o : live) {
      Optional<KnownServer> known = r.topology().flatMap(t -> t.byName(o.name()));
      String id = firstNonBlank(o.nodeId(), known.map(KnownServer::nodeId).orElse(""));
      String address = firstNonBlank(o.raftAddress(), known.map(KnownServer::raftAddress).orElse(""));
      boolean needsDataDir = o == best || movedAside.contains(o);
      if (needsDataDir && configured.get(o.name()).dataDir().filter(d -> !d.isBlank()).isEmpty()) {
        problems.add("server " + o.name() + " holds raft state but has no dataDir configured");
      }
      if (o == best && (id.isEmpty() || address.isEmpty())) {
        problems.add("the node ID or raft address of server " + o.name() + " is unknown (not observed, not in "
            + "the known topology)");
      } else if (id.isEmpty() || address.isEmpty()) {
        joinLater.add(o); // not listed: it joins once the leader is elected
      } else {
        keep.add(new Peer(o.name(), id, address));
      }
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
    keep.sort(Comparator.comparing(p -> !p.name().equals(best.name())));

    Duration settle = r.cluster().recovery().settleTimeout();
    String bestDir = dataDir(configured, best);
    List<Step> steps = new ArrayList<>();
    steps.add(new StopAgents(live.stream().map(ServerObservation::name).toList(), AGENT_TIMEOUT));
    steps.add(new BackupRaftDir(best.name(), bestDir + "/raft", bestDir + "/raft.backup-" + r.recoveryId(),
        BACKUP_TIMEOUT));
    for (ServerObservation o : movedAside) {
      String dir = dataDir(configured, o);
      steps.add(new MoveDirectory(o.name(), dir + "/raft", dir + "/raft.moved-" + r.recoveryId(), AGENT_TIMEOUT));
    }
    steps.add(new WritePeersJson(best.name(), bestDir + "/raft/peers.json", content(keep, protocol), AGENT_TIMEOUT));
    // The recovered server first, answering, so that no empty server with bootstrap_expect bootstraps a
    // cluster of its own; then every other server at once.
    steps.add(new StartAgent(best.name(), AGENT_TIMEOUT));
    steps.add(new WaitForServerUp(best.name(), settle));
    List<String> listedOthers = others.stream().filter(o -> !joinLater.contains(o)).map(ServerObservation::name)
        .toList();
    if (!listedOthers.isEmpty()) {
      steps.add(new StartAgents(listedOthers, AGENT_TIMEOUT));
      listedOthers.forEach(n -> steps.add(new WaitForServerUp(n, settle)));
    }
    steps.add(new WaitForLeader(settle));
    if (!joinLater.isEmpty()) {
      steps.add(new StartAgents(joinLater.stream().map(ServerObservation::name).toList(), AGENT_TIMEOUT));
      joinLater.forEach(o -> steps.add(new WaitForServerUp(o.name(), settle)));
    }
    steps.add(new VerifyWritable(Step.VERIFY_KEY_PREFIX + r.recoveryId(), settle));
    List<String> notAnswering = r.cluster().servers().stream().map(ServerConfig::name)
        .filter(n -> live.stream().noneMatch(o -> o.name().equals(n))).toList();
    String note = "keep " + best.name() + " (the most up-to-date: term " + best.lastLogTerm() + " index "
        + best.lastLogIndex() + ") and list " + String.join(", ", listedOthers.isEmpty() ? List.of("no other server")
            : listedOthers) + " as voters: they start empty, cannot campaign, vote for " + best.name()
        + " and take its log"
        + (movedAside.isEmpty() ? "" : "; the raft state of " + String.join(", ", movedAside.stream()
            .map(o -> o.name() + " (term " + o.lastLogTerm() + " index " + o.lastLogIndex() + ")").toList())
            + " is moved aside to raft.moved-" + r.recoveryId() + ": less up-to-date, so any entry only it holds "
            + "was never committed")
        + (joinLater.isEmpty() ? "" : "; node ID unknown, they join after the election: "
            + String.join(", ", joinLater.stream().map(ServerObservation::name).toList()))
        + (notAnswering.isEmpty() ? "" : "; not answering, left out: " + String.join(", ", notAnswering));
    return Attempt.plan(steps, note, leftOut(r));
  }

  /**
   * Why the survivors with raft state may not share one raft history (their configurations do not name each
   * other: an earlier self-bootstrap or a diverged recovery), if a configuration read says so.
   */
  private static Optional<String> foreignHistory(ServerObservation best, List<ServerObservation> others) {
    for (ServerObservation o : others) {
      boolean bestNamesIt = best.raftConfiguration().map(c -> c.stream().anyMatch(v -> v.id().equalsIgnoreCase(
          o.nodeId()))).orElse(true);
      boolean itNamesBest = o.raftConfiguration().map(c -> c.stream().anyMatch(v -> v.id().equalsIgnoreCase(
          best.nodeId()))).orElse(true);
      if (!bestNamesIt || !itNamesBest) {
        return Optional.of("servers " + best.name() + " and " + o.name() + " both hold raft state but their "
            + "configurations do not name each other: they may come from different raft histories");
      }
    }
    return Optional.empty();
  }

  private static String dataDir(Map<String, ServerConfig> configured, ServerObservation o) {
    return trimSlash(configured.get(o.name()).dataDir().orElseThrow());
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
