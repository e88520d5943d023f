package io.consulwatchdog.recover;

import java.util.function.Consumer;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.diagnose.Diagnoser;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.execute.AgentExecutor;
import io.consulwatchdog.execute.ExecutionResult;
import io.consulwatchdog.observe.ClusterObserver;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.RaftServer;
import io.consulwatchdog.observe.ServerObservation;
import io.consulwatchdog.plan.AgentOperation;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny simulated cluster for unit tests: servers run or not; a majority of running servers elects the
 * first running one. Its observer, executors, diagnoser and leader read all look at the same world.
 */
final class FakeWorld {
  final ClusterConfig cluster;
  final Clock clock;
  final Set<String> running = new LinkedHashSet<>();
  /** Every executor call, as "server:operation". */
  final List<String> calls = new ArrayList<>();
  /** Executor operations that fail, as "server:operation". */
  final Set<String> failing = new HashSet<>();
  final Map<String, String> files = new HashMap<>();
  int observations;
  boolean blind;
  /** When false, a running majority still elects nobody (a stuck election). */
  boolean elects = true;
  /** Called with each executor call ("server:operation") after it is recorded. */
  Consumer<String> onCall = call -> { };
  /** Called with the observation number (1-based) before each observation. */
  IntConsumer onObserve = n -> { };

  FakeWorld(ClusterConfig cluster, Clock clock, String... runningServers) {
    this.cluster = cluster;
    this.clock = clock;
    running.addAll(List.of(runningServers));
  }

  Optional<String> leader() {
    if (!elects || running.size() < cluster.quorum()) {
      return Optional.empty();
    }
    return cluster.servers().stream().map(ServerConfig::name).filter(running::contains).findFirst();
  }

  int index(String name) {
    List<ServerConfig> servers = cluster.servers();
    for (int i = 0; i < servers.size(); i++) {
      if (servers.get(i).name().equals(name)) {
        return i + 1;
      }
    }
    return 99;
  }

  ClusterObserver observer() {
    return c -> {
      synchronized (this) {
        return observe(c);
      }
    };
  }

  private ClusterSnapshot observe(ClusterConfig c) {
    observations++;
    onObserve.accept(observations);
    List<ServerObservation> out = new ArrayList<>();
    Optional<String> leader = leader();
    String leaderAddr = leader.map(l -> "127.0.0." + index(l) + ":8300").orElse("");
    List<RaftServer> config = cluster.servers().stream()
        .map(s -> new RaftServer("id-" + s.name(), s.name(), "127.0.0." + index(s.name()) + ":8300", true)).toList();
    for (ServerConfig s : cluster.servers()) {
      if (blind) {
        out.add(ServerObservation.unreachable(s.name(), s.httpAddress(), Reachability.TIMEOUT, "timeout"));
      } else if (!running.contains(s.name())) {
        out.add(ServerObservation.unreachable(s.name(), s.httpAddress(), Reachability.REFUSED, "refused"));
      } else {
        boolean isLeader = leader.equals(Optional.of(s.name()));
        out.add(new ServerObservation(s.name(), s.httpAddress(), Reachability.OK, "", "id-" + s.name(), s.name(),
            "1.8.7", true, isLeader ? "Leader" : leader.isPresent() ? "Follower" : "Candidate", 5, 100, 5, "0", 3,
            "127.0.0." + index(s.name()) + ":8300", Optional.of(leaderAddr), Optional.empty(),
            isLeader ? Optional.of(config) : Optional.empty(), Optional.empty(), Map.of()));
      }
    }
    return new ClusterSnapshot(c.name(), clock.instant(), Duration.ofMillis(3), out);
  }

  /** Leader present: HEALTHY; too few servers: QUORUM_LOST (VOTERS_DOWN); else LEADERLESS (NO_ELECTION). */
  Diagnoser diagnoser() {
    return (snapshot, history, now, after, knowledge) -> {
      int reachable = snapshot.reachable().size();
      DiagnosisCode code;
      LeaderlessCause cause = LeaderlessCause.NONE;
      Optional<String> leader = ClusterConditions.agreedLeader(snapshot);
      if (reachable == 0) {
        code = DiagnosisCode.UNOBSERVABLE;
      } else if (leader.isPresent()) {
        code = reachable == snapshot.servers().size() ? DiagnosisCode.HEALTHY : DiagnosisCode.DEGRADED;
      } else if (reachable < cluster.quorum()) {
        code = DiagnosisCode.QUORUM_LOST;
        cause = LeaderlessCause.VOTERS_DOWN;
      } else {
        code = DiagnosisCode.LEADERLESS;
        cause = LeaderlessCause.NO_ELECTION;
      }
      return new Verdict(cluster.name(), now, code, cause, List.of("fake"), leader, Optional.empty(),
          snapshot.servers().size(), reachable, 3, reachable, List.of());
    };
  }

  LeaderRead leaderRead() {
    return c -> leader().isPresent() ? new LeaderRead.Result(true, "read ok")
        : new LeaderRead.Result(false, "500 No cluster leader");
  }

  AgentExecutor executor(ServerConfig server) {
    return new AgentExecutor() {
      @Override
      public ExecutionResult run(AgentOperation op, Duration timeout) {
        synchronized (FakeWorld.this) { // the parts of a multi-agent step run on several threads
          return runInWorld(op);
        }
      }

      private ExecutionResult runInWorld(AgentOperation op) {
        String call = server.name() + ":" + op.name();
        calls.add(call);
        onCall.accept(call);
        if (failing.contains(call)) {
          return new ExecutionResult(false, 3, "", "simulated failure of " + call, Duration.ofMillis(1), "exit 3");
        }
        if (op instanceof AgentOperation.Stop) {
          running.remove(server.name());
        } else if (op instanceof AgentOperation.Start || op instanceof AgentOperation.Restart) {
          running.add(server.name());
        } else if (op instanceof AgentOperation.WriteFile w) {
          files.put(server.name() + ":" + w.path(), new String(w.content(), StandardCharsets.UTF_8));
        } else if (op instanceof AgentOperation.EditFile e) {
          String key = server.name() + ":" + e.path();
          Matcher m = Pattern.compile(e.pattern()).matcher(files.getOrDefault(key, ""));
          if (!m.find()) {
            return ExecutionResult.failed("no match in " + e.path(), Duration.ZERO);
          }
          files.put(key, m.replaceFirst(e.replacement()));
        } else if (op instanceof AgentOperation.RemoveFile r) {
          files.remove(server.name() + ":" + r.path());
        } else if (op instanceof AgentOperation.ReadFile r) {
          String content = files.get(server.name() + ":" + r.path());
          return content == null ? ExecutionResult.failed("no such file " + r.path(), Duration.ZERO)
              : ExecutionResult.ok(content, "", Duration.ZERO);
        }
        return ExecutionResult.ok("", "", Duration.ofMillis(1));
      }

      @Override
      public String describe(AgentOperation op) {
        return "fake executor of " + server.name() + " would " + op.name();
      }
    };
  }
}
