package io.consulwatchdog.lab;

import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

/** Asks every running lab server which leader it sees, and waits until they all agree on a live one. */
final class LeaderWait {
  /**
   * The anonymous token, read from the answering server's own state: 200 only once the leader has made
   * the management and anonymous tokens and they have reached that server (until then a token-less
   * request gets "ACL not found" instead of "Permission denied", and the management token may be unknown).
   */
  static final String ACL_BOOTSTRAPPED = "/v1/acl/token/00000000-0000-0000-0000-000000000002?stale";
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
   * running server (in an ACL lab: and every running server holds the ACL bootstrap, see
   * {@link #ACL_BOOTSTRAPPED}), and returns that leader.
   */
  LabServer await(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<LabServer> servers = running.get();
      Map<String, String> views = ask(servers, Endpoints.STATUS_LEADER, LeaderWait::describe);
      // right after the leader dies, the others still name it for a moment: insist on a live one
      Optional<LabServer> leader = agreedLeader(views).flatMap(address -> atRaftAddress(servers, address));
      Map<String, String> aclViews = leader.isPresent() && acl
          ? ask(servers, ACL_BOOTSTRAPPED, LeaderWait::statusOnly) : Map.of();
      if (leader.isPresent() && aclViews.values().stream().allMatch("HTTP 200"::equals)) {
        return leader.get();
      }
      if (System.nanoTime() > deadline) {
        throw new LabException("no agreed leader within " + timeout + "; /v1/status/leader per server: " + views
            + (aclViews.isEmpty() ? "" : "; " + ACL_BOOTSTRAPPED + " per server: " + aclViews));
      }
      Pause.millis(POLL_MILLIS);
    }
  }

  /** Each running server's answer to /v1/status/leader: the raw body, or "HTTP n: body", or the failure. */
  Map<String, String> views() {
    return ask(running.get(), Endpoints.STATUS_LEADER, LeaderWait::describe);
  }

  private Map<String, String> ask(List<LabServer> servers, String path, Function<EndpointResult, String> view) {
    Map<String, String> views = new TreeMap<>();
    for (LabServer server : servers) {
      views.put(server.name(), view.apply(http.get(server.httpUri(), path)));
    }
    return views;
  }

  private static String describe(EndpointResult result) {
    if (result instanceof EndpointResult.Answer a) {
      return a.status() == 200 ? a.body().trim() : "HTTP " + a.status() + ": " + a.body().trim();
    }
    EndpointResult.Failure f = (EndpointResult.Failure) result;
    return f.kind() + ": " + f.message();
  }

  private static String statusOnly(EndpointResult result) {
    return result instanceof EndpointResult.Answer a && a.status() == 200 ? "HTTP 200" : describe(result);
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
