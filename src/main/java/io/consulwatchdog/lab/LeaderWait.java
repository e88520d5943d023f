package io.consulwatchdog.lab;

import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Asks every running lab server which leader it sees, and waits until they all agree on a live one. */
final class LeaderWait {
  /** Answers 200 only once the leader has bootstrapped the management token and can resolve it. */
  static final String ACL_TOKEN_SELF = "/v1/acl/token/self";
  private static final long POLL_MILLIS = 200;

  private final ConsulHttp http;
  private final Supplier<List<LabServer>> running;
  private final boolean acl;

  /** Uses the lab's client (token, TLS) on the servers the supplier says are running. */
  LeaderWait(ConsulHttp http, Supplier<List<LabServer>> running, boolean acl) {
    this.http = http;
    this.running = running;
    this.acl = acl;
  }

  /**
   * Waits until every running server answers /v1/status/leader with the same non-empty address of a
   * running server (in an ACL lab: and that leader accepts the lab's management token), and returns it.
   */
  LabServer await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<LabServer> servers = running.get();
      Map<String, String> views = views(servers);
      Optional<LabServer> leader = agreedLeader(views).flatMap(address -> atRaftAddress(servers, address));
      // right after the leader dies, the others still name it for a moment: insist on a live one
      String tokenView = leader.filter(l -> acl).map(this::tokenView).orElse("");
      if (leader.isPresent() && (!acl || tokenView.equals("HTTP 200"))) {
        return leader.get();
      }
      if (System.nanoTime() > deadline) {
        throw new LabException("no agreed leader within " + timeout + "; /v1/status/leader per server: " + views
            + (tokenView.isEmpty() ? "" : "; leader's " + ACL_TOKEN_SELF + ": " + tokenView));
      }
      Pause.millis(POLL_MILLIS);
    }
  }

  /** Each running server's answer to /v1/status/leader: the raw body, or "HTTP n: body", or the failure. */
  Map<String, String> views() {
    return views(running.get());
  }

  private Map<String, String> views(List<LabServer> servers) {
    Map<String, String> views = new TreeMap<>();
    for (LabServer server : servers) {
      views.put(server.name(), describe(http.get(server.httpUri(), Endpoints.STATUS_LEADER)));
    }
    return views;
  }

  private String tokenView(LabServer leader) {
    EndpointResult result = http.get(leader.httpUri(), ACL_TOKEN_SELF);
    return result instanceof EndpointResult.Answer a && a.status() == 200 ? "HTTP 200" : describe(result);
  }

  private static String describe(EndpointResult result) {
    if (result instanceof EndpointResult.Answer a) {
      return a.status() == 200 ? a.body().trim() : "HTTP " + a.status() + ": " + a.body().trim();
    }
    EndpointResult.Failure f = (EndpointResult.Failure) result;
    return f.kind() + ": " + f.message();
  }

  private static Optional<String> agreedLeader(Map<String, String> views) {
    if (views.isEmpty()) {
      return Optional.empty();
    }
    String first = views.values().iterator().next();
    boolean allSame = views.values().stream().allMatch(first::equals);
    if (!allSame || !first.startsWith("\"") || first.equals("\"\"")) {
      return Optional.empty();
    }
    return Optional.of(first.substring(1, first.length() - 1));
  }

  private static Optional<LabServer> atRaftAddress(List<LabServer> servers, String raftAddress) {
    return servers.stream().filter(s -> s.raftAddress().equals(raftAddress)).findFirst();
  }
}
