package io.consulwatchdog.observe;

import io.consulwatchdog.consul.Reachability;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds observations of servers on 127.0.0.N for diagnosis tests. */
public final class ObservationBuilder {
  private final String name;
  private final int n;
  private String id;
  private String state = "Follower";
  private long term = 2;
  private long lastLogIndex = 20;
  private long lastLogTerm = 2;
  private String lastContact = "50ms";
  private String leader = "";
  private List<RaftServer> configuration = null;
  private List<Member> members = null;
  private Reachability reachability = Reachability.OK;
  private String version = "1.8.7";
  private String nodeName;

  private ObservationBuilder(String name, int n) {
    this.name = name;
    this.n = n;
    this.id = "id-" + name;
  }

  /** A reachable follower named name at 127.0.0.n. */
  public static ObservationBuilder server(String name, int n) {
    return new ObservationBuilder(name, n);
  }

  /** The raft voter entry for server name at 127.0.0.n. */
  public static RaftServer voter(String name, int n) {
    return new RaftServer("id-" + name, name, "127.0.0." + n + ":8300", true);
  }

  public ObservationBuilder id(String id) {
    this.id = id;
    return this;
  }

  public ObservationBuilder leader() {
    this.state = "Leader";
    this.leader = "127.0.0." + n + ":8300";
    this.lastContact = "0";
    return this;
  }

  public ObservationBuilder sees(String leaderAddress) {
    this.leader = leaderAddress;
    return this;
  }

  public ObservationBuilder state(String state) {
    this.state = state;
    return this;
  }

  public ObservationBuilder log(long term, long index) {
    this.lastLogTerm = term;
    this.lastLogIndex = index;
    return this;
  }

  public ObservationBuilder lastContact(String lastContact) {
    this.lastContact = lastContact;
    return this;
  }

  public ObservationBuilder configuration(RaftServer... voters) {
    this.configuration = List.of(voters);
    return this;
  }

  public ObservationBuilder members(Member... members) {
    this.members = List.of(members);
    return this;
  }

  public ObservationBuilder unreachable(Reachability why) {
    this.reachability = why;
    return this;
  }

  public ObservationBuilder nodeName(String nodeName) {
    this.nodeName = nodeName;
    return this;
  }

  public ObservationBuilder version(String version) {
    this.version = version;
    return this;
  }

  /** A gossip member entry for name at 127.0.0.n. */
  public static Member member(String name, int n, int status) {
    return new Member(name, "127.0.0." + n, status, true, "id-" + name);
  }

  public ServerObservation build() {
    URI address = URI.create("http://127.0.0." + n + ":8500");
    if (reachability != Reachability.OK) {
      return ServerObservation.unreachable(name, address, reachability, reachability.name().toLowerCase());
    }
    return new ServerObservation(name, address, Reachability.OK, "", id, nodeName == null ? name : nodeName, version,
        true, state, term,
        lastLogIndex, lastLogTerm, lastContact, 3, "127.0.0." + n + ":8300", Optional.of(leader),
        Optional.ofNullable(configuration).map(c -> c.stream().map(RaftServer::address).toList()),
        Optional.ofNullable(configuration), Optional.ofNullable(members), Map.of());
  }

  /** A snapshot of these servers taken at the given instant. */
  public static ClusterSnapshot snapshot(Instant at, ObservationBuilder... servers) {
    List<ServerObservation> out = new ArrayList<>();
    for (ObservationBuilder b : servers) {
      out.add(b.build());
    }
    return new ClusterSnapshot("dc1", at, Duration.ofMillis(5), out);
  }
}
