package io.consulwatchdog;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.Reachability;
import io.consulwatchdog.diagnose.DiagnosisCode;
import io.consulwatchdog.diagnose.LeaderlessCause;
import io.consulwatchdog.diagnose.Verdict;
import io.consulwatchdog.diagnose.VoterFate;
import io.consulwatchdog.diagnose.VoterStatus;
import io.consulwatchdog.observe.ClusterSnapshot;
import io.consulwatchdog.observe.Member;
import io.consulwatchdog.observe.ServerObservation;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Small builders of config, observations and verdicts shared by the recovery tests. */
public final class Fixtures {
  public static final Instant T0 = Instant.parse("2026-11-25T21:00:00Z");

  private Fixtures() {}

  /** A server on 127.0.0.i with data dir /data/NAME and a local executor. */
  public static ServerConfig server(String name, int i) {
    return new ServerConfig(name, URI.create("http://127.0.0." + i + ":8500"), Optional.of("/data/" + name),
        new LocalExecutorConfig(List.of("stop-" + name), List.of("start-" + name), List.of()));
  }

  /** Recovery settings for tests: the given mode and strategies, 3 polls, no time window, 10 min cooldown. */
  public static RecoveryConfig recovery(RecoveryMode mode, List<String> strategies) {
    return new RecoveryConfig(mode, strategies, Duration.ofSeconds(30), 3, Duration.ZERO, Duration.ofMinutes(10), 3,
        Duration.ofHours(1), Duration.ofSeconds(20), false);
  }

  /** A cluster named "dc1" with the servers and recovery settings given. */
  public static ClusterConfig cluster(RecoveryConfig recovery, List<ServerConfig> servers, List<ServerConfig> clients) {
    return new ClusterConfig("dc1", servers, clients, Duration.ofSeconds(1), Duration.ofSeconds(2), Optional.empty(),
        TlsConfig.defaults(), recovery);
  }

  /** Three servers s1..s3 on 127.0.0.1..3. */
  public static List<ServerConfig> threeServers() {
    return List.of(server("s1", 1), server("s2", 2), server("s3", 3));
  }

  /** A verdict with the given code and cause; counts are filler. */
  public static Verdict verdict(DiagnosisCode code, LeaderlessCause cause, Instant at, String... concerned) {
    Optional<String> leader = code == DiagnosisCode.HEALTHY || code == DiagnosisCode.DEGRADED
        ? Optional.of("127.0.0.1:8300") : Optional.empty();
    return new Verdict("dc1", at, code, cause, List.of("test"), leader, Optional.empty(), 3, 3, 3, 3,
        List.of(concerned));
  }

  /** A reachable server observation. */
  public static ServerObservation up(String name, int i, String nodeId, String raftState, long lastLogTerm,
      long lastLogIndex, String leader, String version, int raftProtocol) {
    return new ServerObservation(name, URI.create("http://127.0.0." + i + ":8500"), Reachability.OK, "", nodeId,
        name, version, true, raftState, lastLogTerm, lastLogIndex, lastLogTerm, "0", raftProtocol,
        "127.0.0." + i + ":8300", Optional.of(leader), Optional.empty(), Optional.empty(),
        Optional.of(List.of(new Member(name, "127.0.0." + i, Member.ALIVE, true, nodeId))), Map.of());
  }

  /**
   * The diagnosis of a majority of voters gone for good (STALE_CONFIGURATION): the old voters "old-2" and
   * "old-3" (127.0.0.12 and .13) were removed from the inventory; the concerned servers are the outsiders.
   */
  public static Verdict staleVerdict(Instant at, String... concerned) {
    List<VoterFate> fates = List.of(
        new VoterFate("11111111-aaaa-aaaa-aaaa-111111111111", "s1", "127.0.0.1:8300", VoterStatus.LIVE,
            Optional.of("s1"), "s1 answers with its node ID", true),
        new VoterFate("id-old-2", "old-2", "127.0.0.12:8300", VoterStatus.GONE, Optional.empty(),
            "removed from the inventory", false),
        new VoterFate("id-old-3", "old-3", "127.0.0.13:8300", VoterStatus.GONE, Optional.empty(),
            "removed from the inventory", false));
    return new Verdict("dc1", at, DiagnosisCode.QUORUM_LOST, LeaderlessCause.STALE_CONFIGURATION, List.of("test"),
        Optional.empty(), Optional.empty(), 3, 3, 3, 1, List.of(concerned),
        ChronoUnit.NANOS.between(Instant.EPOCH, at), fates, List.of());
  }

  /** A server that refused the connection. */
  public static ServerObservation down(String name, int i) {
    return ServerObservation.unreachable(name, URI.create("http://127.0.0." + i + ":8500"), Reachability.REFUSED,
        "connection refused");
  }

  /** A snapshot of cluster dc1. */
  public static ClusterSnapshot snapshot(Instant at, ServerObservation... servers) {
    return new ClusterSnapshot("dc1", at, Duration.ofMillis(5), List.of(servers));
  }

  /** A clock tests move by hand. */
  public static final class MutableClock extends Clock {
    private Instant now;

    public MutableClock(Instant start) {
      this.now = start;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
