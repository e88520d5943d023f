package io.consulwatchdog.lab;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The test kit around a {@link LabCluster}: what the demo needs, plus the operations only tests use (stop,
 * start, restart, wipe, add a server, leader views, raw GETs with any token, the pids it started, the
 * orphan sweep). Lives in test code so that the shipped jar carries only what the demo needs.
 */
public final class TestLabCluster implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /**
   * How long a fresh server of an ACL lab may take to leave ACL legacy mode: Consul 1.8 checks whether it may
   * every 50 ms at first, doubling the wait up to 30 s (aclModeCheckMinInterval/MaxInterval), so a server that
   * sees the leader only after about 25 s on a busy machine checks again at 51 s, then at 81 s.
   */
  public static final Duration FRESH_ACL_SERVER_TIMEOUT = Duration.ofSeconds(100);

  private final LabCluster cluster;
  private final List<LabServer> retired = new ArrayList<>();

  private TestLabCluster(LabCluster cluster) {
    this.cluster = cluster;
  }

  /** Starts a lab (see {@link LabCluster#start}). */
  public static TestLabCluster start(LabOptions options) {
    return new TestLabCluster(LabCluster.start(options));
  }

  /** Wraps a started lab; closing the kit closes it. */
  public static TestLabCluster of(LabCluster cluster) {
    return new TestLabCluster(cluster);
  }

  /**
   * SIGKILLs lab servers left running by labs whose JVM died without closing them (LabCluster.start does
   * this too). Returns the pids it killed.
   */
  public static List<Long> sweepOrphans() {
    return OrphanSweep.sweep();
  }

  /** The key name putKeys writes for index i. */
  public static String keyName(String prefix, int i) {
    return LabKeys.keyName(prefix, i);
  }

  /** The lab itself, e.g. for code written against the demo's API. */
  public LabCluster cluster() {
    return cluster;
  }

  /** See {@link LabCluster#startedAt()}. */
  public Instant startedAt() {
    return cluster.startedAt();
  }

  /** See {@link LabCluster#addressBlock()}. */
  public String addressBlock() {
    return cluster.addressBlock();
  }

  /** The lab's directory holding one directory per server (and acl.hcl, token files, tls/). */
  public Path baseDir() {
    return cluster.baseDir();
  }

  /** See {@link LabCluster#servers()}. */
  public List<LabServer> servers() {
    return cluster.servers();
  }

  /** The current server with that name. */
  public LabServer server(String name) {
    return cluster.server(name);
  }

  /** The current servers whose process is running. */
  public List<LabServer> runningServers() {
    return cluster.runningServers();
  }

  /** Servers this kit replaced: killed, data wiped, never to come back. */
  public synchronized List<LabServer> retired() {
    return List.copyOf(retired);
  }

  /** Every pid the lab has read from a pidfile so far (including processes that exited since). */
  public List<Long> startedPids() {
    return cluster.processes().startedPids();
  }

  /** See {@link LabCluster#acl()}. */
  public Optional<LabAcl> acl() {
    return cluster.acl();
  }

  /** See {@link LabCluster#tls()}. */
  public Optional<LabTls> tls() {
    return cluster.tls();
  }

  /** See {@link LabCluster#awaitLeader(Duration)}. */
  public LabServer awaitLeader(Duration timeout) {
    return cluster.awaitLeader(timeout);
  }

  /** Each running server's answer to /v1/status/leader: the raw body, or "HTTP n: body", or the failure. */
  public Map<String, String> leaderViews() {
    return cluster.leaderWait().views();
  }

  /** GETs a path from one current server with the lab's client (2 s, its token and TLS); never throws. */
  public EndpointResult get(String name, String pathAndQuery) {
    return cluster.http().get(server(name).httpUri(), pathAndQuery);
  }

  /** GETs a path from one current server with the given token, or none, over the lab's TLS; never throws. */
  public EndpointResult get(String name, String pathAndQuery, Optional<Secret> token) {
    try (ConsulHttp http = new ConsulHttp(REQUEST_TIMEOUT, token, clientTls())) {
      return http.get(server(name).httpUri(), pathAndQuery);
    }
  }

  /** The TLS settings a client of this lab needs: the lab's CA and client certificate, or the defaults. */
  public TlsConfig clientTls() {
    return cluster.tls().map(LabTls::clientConfig).orElse(TlsConfig.defaults());
  }

  /** See {@link LabCluster#kill(String)}. */
  public void kill(String name) {
    cluster.kill(name);
  }

  /** Stops the server through its ctl.sh (SIGTERM, no leave; SIGKILL after 10 s). */
  public void stop(String name) {
    cluster.control(server(name), "stop");
  }

  /** Starts the server through its ctl.sh (a no-op if it runs) and records its pid. */
  public void start(String name) {
    cluster.control(server(name), "start");
  }

  /** Restarts the server through its ctl.sh and records its new pid. */
  public void restart(String name) {
    cluster.control(server(name), "restart");
  }

  /** Deletes the server's data dir; the server must be down. */
  public void wipe(String name) {
    LabServer server = server(name);
    if (server.running()) {
      throw new IllegalStateException(server + " is running; stop or kill it before wiping its data");
    }
    LabFiles.deleteTree(server.dataDir());
  }

  /** Replaces one server as a rebuilt host would; see {@link LabCluster#replace(List)}. */
  public LabServer replace(String name) {
    return replace(List.of(name)).get(0);
  }

  /** See {@link LabCluster#replace(List)}; the old servers are listed by {@link #retired()} afterwards. */
  public synchronized List<LabServer> replace(List<String> names) {
    List<LabServer> old = names.stream().map(this::server).toList();
    List<LabServer> fresh = cluster.replace(names);
    retired.addAll(old);
    return fresh;
  }

  /** Adds and starts one more server that retry-joins the current ones. */
  public LabServer addServer() {
    return cluster.startNewServers(1).get(0);
  }

  /** See {@link LabCluster#putKeys(String, int)}. */
  public void putKeys(String prefix, int count) {
    cluster.putKeys(prefix, count);
  }

  /** See {@link LabCluster#readKeys(String)}. */
  public Map<String, String> readKeys(String prefix) {
    return cluster.readKeys(prefix);
  }

  /** See {@link LabCluster#clusterConfig(RecoveryConfig)}. */
  public ClusterConfig clusterConfig(RecoveryConfig recovery) {
    return cluster.clusterConfig(recovery);
  }

  /** Closes the lab: kills every process it started, by pid. */
  @Override
  public void close() {
    cluster.close();
  }
}
