package io.consulwatchdog.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Watches, from outside the watchdog, for full redundancy: every expected server is a voter of the leader's
 * raft configuration (GET /v1/operator/raft/configuration, answered by the leader) and answers
 * /v1/status/leader with that leader's address (it runs and hears the leader). Checks every ~250 ms, each
 * request cut off after 1 s; marks the first check that passes. Bounded by a deadline; close() stops it.
 */
final class VoterWatch implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  private static final long PAUSE_MILLIS = 250;

  private final ConsulHttp http = new ConsulHttp(REQUEST_TIMEOUT, Optional.empty(), TlsConfig.defaults());
  private final FirstMoment allVoters = new FirstMoment();
  private final Map<String, URI> expected;
  private final long deadline;
  private final Thread thread;
  private volatile boolean stopped;

  /** Starts watching now for every expected server (name to HTTP address), until it passes or the deadline. */
  VoterWatch(Map<String, URI> expected, Duration limit) {
    this.expected = Map.copyOf(expected);
    this.deadline = System.nanoTime() + limit.toNanos();
    this.thread = new Thread(this::watch, "voter-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /** When every expected server was first seen a voter hearing the leader. */
  FirstMoment allVoters() {
    return allVoters;
  }

  private void watch() {
    long maxChecks = (deadline - System.nanoTime()) / (PAUSE_MILLIS * 1_000_000) + 1;
    for (long n = 0; n < maxChecks && !stopped && System.nanoTime() < deadline; n++) {
      if (everyServerAVoter()) {
        allVoters.mark();
        return;
      }
      try {
        Thread.sleep(PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private boolean everyServerAVoter() {
    for (URI server : expected.values()) {
      EndpointResult r = http.get(server, "/v1/operator/raft/configuration");
      if (r instanceof EndpointResult.Answer a && a.status() == 200) {
        return check(a.body());
      }
    }
    return false;
  }

  private boolean check(String configuration) {
    JsonNode servers;
    try {
      servers = JsonMapper.compact().readTree(configuration).path("Servers");
    } catch (IOException e) {
      return false;
    }
    String leader = null;
    Set<String> voters = new HashSet<>();
    for (JsonNode s : servers) {
      if (s.path("Leader").asBoolean()) {
        leader = s.path("Address").asText();
      }
      if (s.path("Voter").asBoolean()) {
        voters.add(s.path("Node").asText());
      }
    }
    if (leader == null || !voters.containsAll(expected.keySet())) {
      return false;
    }
    String quoted = "\"" + leader + "\"";
    return expected.values().stream().allMatch(uri -> http.get(uri, "/v1/status/leader") instanceof
        EndpointResult.Answer a && a.status() == 200 && a.body().strip().equals(quoted));
  }

  @Override
  public void close() {
    stopped = true;
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    http.close();
  }
}
