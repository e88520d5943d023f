package io.consulwatchdog.lab;

import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.ConsulHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Consul server cluster on one loopback block 127.X.Y.0/24 that the demo (and tests) start, break
 * and heal; close() kills every process it ever started and deletes its directory. Optionally with ACLs
 * in default-deny mode ({@link #acl()}) and an HTTPS-only API requiring client certificates ({@link #tls()});
 * the lab's own requests then carry the management token and the client certificate.
 */
public final class LabCluster implements AutoCloseable {
  /** Set -Dlab.keep=true to keep the lab's directory (logs, data dirs) after close. */
  static final String KEEP_PROPERTY = "lab.keep";

  private static final Logger LOG = LoggerFactory.getLogger(LabCluster.class);

  private final LabOptions options;
  private final Path binary;
  private final AddressBlock block;
  private final Path baseDir;
  private final Instant startedAt;
  private final Optional<LabAcl> acl;
  private final Optional<LabTls> tls;
  private final ConsulHttp probe;
  private final ConsulHttp kvHttp;
  private final ServerProcesses processes;
  private final LeaderWait leaderWait;
  private final LabKeys keys;
  private final Map<String, LabServer> current = new LinkedHashMap<>();
  private final List<LabServer> created = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::close, "lab-cluster-shutdown");
  private int nextIndex = 1;
  private boolean closed;

  private LabCluster(LabOptions options, Path binary, AddressBlock block, Path baseDir, Instant startedAt) {
    this.options = options;
    this.binary = binary;
    this.block = block;
    this.baseDir = baseDir;
    this.startedAt = startedAt;
    this.acl = options.acl() ? Optional.of(LabAcl.create(baseDir)) : Optional.empty();
    this.tls = options.tls() ? Optional.of(LabTls.create(binary, baseDir.resolve("tls"))) : Optional.empty();
    Optional<Secret> token = acl.map(LabAcl::managementToken);
    TlsConfig tlsConfig = tls.map(LabTls::clientConfig).orElse(TlsConfig.defaults());
    this.probe = new ConsulHttp(Duration.ofSeconds(2), token, tlsConfig);
    this.kvHttp = new ConsulHttp(Duration.ofSeconds(10), token, tlsConfig);
    this.processes = new ServerProcesses(options.namePrefix());
    this.leaderWait = new LeaderWait(probe, this::runningServers, options.acl());
    this.keys = new LabKeys(kvHttp);
  }

  /** Starts options.servers() servers and returns once every process is alive (not once a leader exists). */
  public static LabCluster start(LabOptions options) {
    Instant startedAt = Instant.now();
    Path binary = ConsulBinary.locate();
    OrphanSweep.sweep();
    Path baseDir = LabFiles.createBaseDir(options);
    AddressBlock block;
    try {
      block = AddressBlock.acquire(Optional.of(baseDir));
    } catch (RuntimeException e) {
      LabFiles.deleteTree(baseDir);
      throw e;
    }
    LabCluster lab;
    try {
      lab = new LabCluster(options, binary, block, baseDir, startedAt);
    } catch (RuntimeException e) {
      block.close();
      LabFiles.deleteTree(baseDir);
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
    try {
      LOG.info("lab {}: {} servers in {}, dir {}{}{}", options.namePrefix(), options.servers(), block.cidr(), baseDir,
          options.acl() ? ", ACLs (default deny)" : "", options.tls() ? ", HTTPS only" : "");
      lab.startNewServers(options.servers());
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  /** When start() was called; for measuring how long a leader took. */
  public Instant startedAt() {
    return startedAt;
  }

  /** The loopback block this lab owns, e.g. 127.123.45.0/24. */
  public String addressBlock() {
    return block.cidr();
  }

  /** The current servers (running or not), in creation order; replaced servers are not listed. */
  public synchronized List<LabServer> servers() {
    return List.copyOf(current.values());
  }

  /** The ACL tokens and their files, when the lab runs ACLs ({@link LabOptions#withAcl()}). */
  public Optional<LabAcl> acl() {
    return acl;
  }

  /** The CA and client certificate files, when the lab serves only HTTPS ({@link LabOptions#withTls()}). */
  public Optional<LabTls> tls() {
    return tls;
  }

  /**
   * Waits until every running server answers /v1/status/leader with the same non-empty address of a
   * running server (with ACLs: and that leader accepts the management token), and returns that server.
   */
  public LabServer awaitLeader(Duration timeout) {
    return leaderWait.await(timeout);
  }

  /** SIGKILLs the server's process (no leave, no cleanup) and waits until it is gone. */
  public synchronized void kill(String name) {
    processes.kill(server(name));
  }

  /**
   * Replaces servers for good, as rebuilt hosts: SIGKILLs them all, deletes their data dirs, then starts as
   * many brand-new servers with new names and addresses (and the same ACL and TLS setup) that retry-join
   * the remaining ones. Returns the new servers.
   */
  public synchronized List<LabServer> replace(List<String> names) {
    List<LabServer> old = names.stream().map(this::server).toList();
    old.forEach(processes::kill);
    for (LabServer s : old) {
      LabFiles.deleteTree(s.dataDir());
      current.remove(s.name());
    }
    LOG.info("lab {}: replacing {}", options.namePrefix(), old);
    return startNewServers(old.size());
  }

  /** Writes count keys prefix/0000.. with values value-0.. through a running server's KV API. */
  public void putKeys(String prefix, int count) {
    keys.put(anyRunning(), prefix, count);
  }

  /** Reads every key under prefix/ through a running server (default consistency); key to value. */
  public Map<String, String> readKeys(String prefix) {
    return keys.read(anyRunning(), prefix);
  }

  /**
   * A watchdog cluster config for the current servers, controlled through their ctl.sh by the local
   * executor; poll 1 s, request timeout 2 s; in an ACL lab the management token as acl_token and the agent
   * recovery token (acl.tokens.agent_master) as agent_token, both from their files; the lab's CA and client
   * certificate in a TLS lab.
   */
  public synchronized ClusterConfig clusterConfig(RecoveryConfig recovery) {
    List<ServerConfig> servers = current.values().stream().map(s -> {
      String ctl = s.ctlScript().toString();
      return new ServerConfig(s.name(), s.httpUri(), Optional.of(s.dataDir().toString()),
          new LocalExecutorConfig(List.of(ctl, "stop"), List.of(ctl, "start"), List.of(ctl, "restart")));
    }).toList();
    return new ClusterConfig(options.namePrefix(), servers, List.of(), Duration.ofSeconds(1),
        Duration.ofSeconds(2), acl.map(LabAcl::managementToken), acl.map(LabAcl::agentMasterToken),
        tls.map(LabTls::clientConfig).orElse(TlsConfig.defaults()), recovery);
  }

  /** Kills every process the lab ever started, releases the address block and deletes the directory. */
  @Override
  public void close() {
    List<LabServer> everCreated;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      everCreated = List.copyOf(created);
    }
    processes.killAll(everCreated);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // close() runs as the shutdown hook itself
    }
    probe.close();
    kvHttp.close();
    block.close();
    if (Boolean.getBoolean(KEEP_PROPERTY)) {
      LOG.info("lab {}: kept {} (-D{}=true)", options.namePrefix(), baseDir, KEEP_PROPERTY);
    } else {
      LabFiles.deleteTree(baseDir);
    }
  }

  // Package-private: the test kit (src/test, same package) builds its operations on these.

  /** The lab's directory holding one directory per server. */
  Path baseDir() {
    return baseDir;
  }

  /** The current server with that name. */
  synchronized LabServer server(String name) {
    LabServer server = current.get(name);
    if (server == null) {
      throw new IllegalArgumentException("no current lab server " + name + "; servers: " + current.keySet());
    }
    return server;
  }

  /** The current servers whose process is running. */
  synchronized List<LabServer> runningServers() {
    return current.values().stream().filter(LabServer::running).toList();
  }

  /** Creates count new servers with the next names and free addresses, rewrites every server's args, starts the new ones. */
  synchronized List<LabServer> startNewServers(int count) {
    List<LabServer> fresh = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      fresh.add(newServer());
    }
    current.values().forEach(s -> ControlScript.writeArgs(s, argv(s)));
    fresh.forEach(s -> control(s, "start"));
    return fresh;
  }

  /** Runs the server's ctl.sh action; start and restart first rewrite its args and afterwards record its new pid. */
  synchronized void control(LabServer server, String action) {
    boolean starts = action.equals("start") || action.equals("restart");
    if (starts) {
      ControlScript.writeArgs(server, argv(server));
    }
    String out = ControlScript.runOrThrow(server, action);
    if (starts) {
      processes.track(server, out);
    } else {
      LOG.info("lab {}: ctl.sh {} {}: {}", options.namePrefix(), action, server, out);
    }
  }

  /** The pids this lab started. */
  ServerProcesses processes() {
    return processes;
  }

  /** What every running server says about the leader. */
  LeaderWait leaderWait() {
    return leaderWait;
  }

  /** The lab's own client: 2 s timeout, the management token in an ACL lab, the client certificate in a TLS lab. */
  ConsulHttp http() {
    return probe;
  }

  private LabServer newServer() {
    String name = options.namePrefix() + "-s" + nextIndex++;
    LabServer server = new LabServer(name, block.nextAddress(), baseDir.resolve(name), options.tls());
    ControlScript.install(server);
    tls.ifPresent(t -> t.configure(server));
    current.put(name, server);
    created.add(server);
    return server;
  }

  private List<String> argv(LabServer server) {
    return ServerArgs.of(binary, options, server, current.values(), acl, options.tls());
  }

  private LabServer anyRunning() {
    return runningServers().stream().findFirst()
        .orElseThrow(() -> new LabException("no lab server is running"));
  }
}
