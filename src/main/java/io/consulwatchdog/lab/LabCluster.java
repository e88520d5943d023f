package io.consulwatchdog.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.consul.Endpoints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Consul server cluster on one loopback block 127.X.Y.0/24 that tests and the demo can start,
 * break and heal; close() kills every process it ever started and deletes its directory.
 */
public final class LabCluster implements AutoCloseable {
  /** Set -Dlab.keep=true to keep the lab's directory (logs, data dirs) after close. */
  public static final String KEEP_PROPERTY = "lab.keep";

  private static final Logger LOG = LoggerFactory.getLogger(LabCluster.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final Duration REAP_WAIT = Duration.ofSeconds(15);
  private static final long LEADER_POLL_MILLIS = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LabOptions options;
  private final Path binary;
  private final AddressBlock block;
  private final Path baseDir;
  private final Instant startedAt;
  private final ConsulHttp probe = new ConsulHttp(Duration.ofSeconds(2), Optional.empty(), TlsConfig.defaults());
  private final ConsulHttp kv = new ConsulHttp(Duration.ofSeconds(10), Optional.empty(), TlsConfig.defaults());
  private final Map<String, LabServer> current = new LinkedHashMap<>();
  private final List<LabServer> created = new ArrayList<>();
  private final Map<Long, Path> startedPids = new LinkedHashMap<>();
  private final Thread shutdownHook = new Thread(this::close, "lab-cluster-shutdown");
  private int nextIndex = 1;
  private boolean closed;

  private LabCluster(LabOptions options, Path binary, AddressBlock block, Path baseDir, Instant startedAt) {
    this.options = options;
    this.binary = binary;
    this.block = block;
    this.baseDir = baseDir;
    this.startedAt = startedAt;
  }

  /** Starts options.servers() servers and returns once every process is alive (not once a leader exists). */
  public static LabCluster start(LabOptions options) {
    Instant startedAt = Instant.now();
    Path binary = ConsulBinary.locate();
    sweepOrphans();
    Path baseDir = createBaseDir(options);
    AddressBlock block;
    try {
      block = AddressBlock.acquire(Optional.of(baseDir));
    } catch (RuntimeException e) {
      deleteTree(baseDir);
      throw e;
    }
    LabCluster lab = new LabCluster(options, binary, block, baseDir, startedAt);
    Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
    try {
      lab.startInitialServers();
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  /**
   * SIGKILLs lab servers left running by labs whose JVM died without closing them (e.g. a test fork
   * killed on timeout): found through unheld block lock files, recognised by their -data-dir.
   * Returns the pids it killed.
   */
  public static List<Long> sweepOrphans() {
    List<Long> killed = new ArrayList<>();
    for (Path owner : AddressBlock.unheldOwnerDirs()) {
      if (!Files.isDirectory(owner)) {
        continue;
      }
      try (Stream<Path> dirs = Files.list(owner)) {
        for (Path dir : dirs.filter(Files::isDirectory).toList()) {
          LabServer server = new LabServer(dir.getFileName().toString(), "", dir);
          OptionalLong pid = server.pid();
          if (pid.isPresent() && ProcessTable.killIfConsulOf(pid.getAsLong(), server.dataDir())) {
            ProcessTable.awaitNotLive(pid.getAsLong(), KILL_WAIT);
            LOG.warn("killed orphaned lab server pid {} of {}", pid.getAsLong(), dir);
            killed.add(pid.getAsLong());
          }
        }
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("cannot sweep {}: {}", owner, e.getMessage());
      }
    }
    return killed;
  }

  private synchronized void startInitialServers() {
    LOG.info("lab {}: {} servers in {}, dir {}", options.namePrefix(), options.servers(), block.cidr(), baseDir);
    List<LabServer> fresh = new ArrayList<>();
    for (int i = 0; i < options.servers(); i++) {
      fresh.add(newServer());
    }
    refreshArgs();
    fresh.forEach(this::launch);
  }

  /** When start() was called; for measuring how long a leader took. */
  public Instant startedAt() {
    return startedAt;
  }

  /** The lab's directory holding one directory per server. */
  public Path baseDir() {
    return baseDir;
  }

  /** The loopback block this lab owns, e.g. 127.123.45.0/24. */
  public String addressBlock() {
    return block.cidr();
  }

  /** The current servers (running or not), in creation order; replaced servers are not listed. */
  public synchronized List<LabServer> servers() {
    return List.copyOf(current.values());
  }

  /** Servers that were replaced: killed, data wiped, never to come back. */
  public synchronized List<LabServer> retired() {
    return created.stream().filter(s -> !current.containsKey(s.name())).toList();
  }

  /** The current server with that name. */
  public synchronized LabServer server(String name) {
    LabServer server = current.get(name);
    if (server == null) {
      throw new IllegalArgumentException("no current lab server " + name + "; servers: " + current.keySet());
    }
    return server;
  }

  /** The current servers whose process is running. */
  public synchronized List<LabServer> runningServers() {
    return current.values().stream().filter(LabServer::running).toList();
  }

  /** Every pid the lab has read from a pidfile so far (including processes that exited since). */
  public synchronized List<Long> startedPids() {
    return List.copyOf(startedPids.keySet());
  }

  /**
   * Waits until every running server answers /v1/status/leader with the same non-empty address of a
   * running server, and returns that server.
   */
  public LabServer awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> views = Map.of();
    while (true) {
      views = leaderViews();
      Optional<String> agreed = agreedLeader(views);
      if (agreed.isPresent()) {
        // right after the leader dies, the others still name it for a moment: insist on a live one
        Optional<LabServer> leader = serverAtRaftAddress(agreed.get()).filter(LabServer::running);
        if (leader.isPresent()) {
          return leader.get();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new LabException("no agreed leader within " + timeout + "; /v1/status/leader per server: " + views);
      }
      sleep(LEADER_POLL_MILLIS);
    }
  }

  /** Each running server's answer to /v1/status/leader: the raw body, or "HTTP n: body", or the failure. */
  public Map<String, String> leaderViews() {
    Map<String, String> views = new TreeMap<>();
    for (LabServer server : runningServers()) {
      EndpointResult result = probe.get(server.httpUri(), Endpoints.STATUS_LEADER);
      views.put(server.name(), describe(result));
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

  /** The current server whose raft address (ip:8300) is the given one. */
  public synchronized Optional<LabServer> serverAtRaftAddress(String raftAddress) {
    return current.values().stream().filter(s -> s.raftAddress().equals(raftAddress)).findFirst();
  }

  /** GETs a path from one current server with a 2 s timeout; never throws for HTTP failures. */
  public EndpointResult get(String name, String pathAndQuery) {
    return probe.get(server(name).httpUri(), pathAndQuery);
  }

  /** SIGKILLs the server's process (no leave, no cleanup) and waits until it is gone. */
  public synchronized void kill(String name) {
    LabServer server = server(name);
    OptionalLong pid = server.pid();
    if (pid.isEmpty() || !server.running()) {
      LOG.info("lab {}: {} is not running, nothing to kill", options.namePrefix(), server);
      return;
    }
    ProcessTable.killIfConsulOf(pid.getAsLong(), server.dataDir());
    if (!ProcessTable.awaitNotLive(pid.getAsLong(), KILL_WAIT)) {
      throw new LabException("pid " + pid.getAsLong() + " of " + server + " survived SIGKILL for " + KILL_WAIT);
    }
    LOG.info("lab {}: killed {} (pid {})", options.namePrefix(), server, pid.getAsLong());
  }

  /** Stops the server through its ctl.sh (SIGTERM, no leave; SIGKILL after 10 s). */
  public synchronized void stop(String name) {
    LabServer server = server(name);
    String out = ControlScript.runOrThrow(server, "stop");
    LOG.info("lab {}: ctl.sh stop {}: {}", options.namePrefix(), server, out);
  }

  /** Starts the server through its ctl.sh (a no-op if it runs) and records its pid. */
  public synchronized void start(String name) {
    LabServer server = server(name);
    ControlScript.writeArgs(server, argv(server));
    launch(server);
  }

  /** Restarts the server through its ctl.sh and records its new pid. */
  public synchronized void restart(String name) {
    LabServer server = server(name);
    ControlScript.writeArgs(server, argv(server));
    String out = ControlScript.runOrThrow(server, "restart");
    track(server, out);
  }

  /** Deletes the server's data dir; the server must be down. */
  public synchronized void wipe(String name) {
    LabServer server = server(name);
    if (server.running()) {
      throw new IllegalStateException(server + " is running; stop or kill it before wiping its data");
    }
    deleteTree(server.dataDir());
    LOG.info("lab {}: wiped data dir of {}", options.namePrefix(), server);
  }

  /** Replaces one server as a rebuilt host would; see {@link #replace(List)}. */
  public LabServer replace(String name) {
    return replace(List.of(name)).get(0);
  }

  /**
   * Replaces servers for good: SIGKILLs them all, deletes their data dirs, then starts as many brand-new
   * servers with new names and addresses that retry-join the remaining ones. Returns the new servers.
   */
  public synchronized List<LabServer> replace(List<String> names) {
    List<LabServer> old = names.stream().map(this::server).toList();
    old.forEach(s -> kill(s.name()));
    for (LabServer s : old) {
      deleteTree(s.dataDir());
      current.remove(s.name());
    }
    List<LabServer> fresh = new ArrayList<>();
    for (int i = 0; i < old.size(); i++) {
      fresh.add(newServer());
    }
    refreshArgs();
    LOG.info("lab {}: replacing {} with {}", options.namePrefix(), old, fresh);
    fresh.forEach(this::launch);
    return fresh;
  }

  /** Adds and starts one more server that retry-joins the current ones. */
  public synchronized LabServer addServer() {
    LabServer server = newServer();
    refreshArgs();
    launch(server);
    return server;
  }

  /** Writes count keys prefix/0000.. with values value-0.. through a running server's KV API. */
  public void putKeys(String prefix, int count) {
    LabServer via = anyRunning();
    for (int i = 0; i < count; i++) {
      String key = keyName(prefix, i);
      String value = "value-" + i;
      EndpointResult result = withRetry(() -> kv.put(via.httpUri(), "/v1/kv/" + key, value));
      if (!(result instanceof EndpointResult.Answer a && a.status() == 200 && a.body().trim().equals("true"))) {
        throw new LabException("PUT /v1/kv/" + key + " via " + via + " failed: " + result);
      }
    }
  }

  /** Reads every key under prefix/ through a running server (default consistency); key to value. */
  public Map<String, String> readKeys(String prefix) {
    LabServer via = anyRunning();
    EndpointResult result = withRetry(() -> kv.get(via.httpUri(), "/v1/kv/" + prefix + "/?recurse"));
    if (result instanceof EndpointResult.Answer a && a.status() == 404) {
      return Map.of();
    }
    if (!(result instanceof EndpointResult.Answer a && a.status() == 200)) {
      throw new LabException("GET /v1/kv/" + prefix + "/?recurse via " + via + " failed: " + result);
    }
    try {
      Map<String, String> keys = new TreeMap<>();
      for (JsonNode entry : JSON.readTree(a.body())) {
        JsonNode value = entry.get("Value");
        String decoded = value == null || value.isNull() ? ""
            : new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
        keys.put(entry.get("Key").asText(), decoded);
      }
      return keys;
    } catch (IOException | RuntimeException e) {
      throw new LabException("cannot parse KV answer from " + via + ": " + e.getMessage(), e);
    }
  }

  /** Retries a request twice when it got no answer, e.g. on a pooled connection to a restarted server. */
  private static EndpointResult withRetry(java.util.function.Supplier<EndpointResult> request) {
    EndpointResult result = request.get();
    for (int attempt = 1; attempt < 3 && result instanceof EndpointResult.Failure; attempt++) {
      sleep(200);
      result = request.get();
    }
    return result;
  }

  /** The key name putKeys writes for index i. */
  public static String keyName(String prefix, int i) {
    return prefix + "/" + String.format("%04d", i);
  }

  /**
   * A watchdog cluster config for the current servers, controlled through their ctl.sh by the local
   * executor; poll 1 s, request timeout 2 s, no token, default TLS.
   */
  public synchronized ClusterConfig clusterConfig(RecoveryConfig recovery) {
    List<ServerConfig> servers = current.values().stream().map(s -> {
      String ctl = s.ctlScript().toString();
      return new ServerConfig(s.name(), s.httpUri(), Optional.of(s.dataDir().toString()),
          new LocalExecutorConfig(List.of(ctl, "stop"), List.of(ctl, "start"), List.of(ctl, "restart")));
    }).toList();
    return new ClusterConfig(options.namePrefix(), servers, List.of(), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Optional.empty(), TlsConfig.defaults(), recovery);
  }

  /** Kills every process the lab ever started, releases the address block and deletes the directory. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    killEverything();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // close() runs as the shutdown hook itself
    }
    probe.close();
    kv.close();
    block.close();
    if (Boolean.getBoolean(KEEP_PROPERTY)) {
      LOG.info("lab {}: kept {} (-D{}=true)", options.namePrefix(), baseDir, KEEP_PROPERTY);
    } else {
      deleteTree(baseDir);
    }
  }

  private void killEverything() {
    Map<Long, Path> pids;
    synchronized (this) {
      for (LabServer server : created) {
        server.pid().ifPresent(pid -> startedPids.putIfAbsent(pid, server.dataDir()));
      }
      pids = new LinkedHashMap<>(startedPids);
    }
    pids.forEach((pid, dataDir) -> {
      if (ProcessTable.killIfConsulOf(pid, dataDir)) {
        LOG.info("lab {}: killed pid {} ({})", options.namePrefix(), pid, dataDir.getParent().getFileName());
      }
    });
    for (Long pid : pids.keySet()) {
      if (!ProcessTable.awaitReaped(pid, REAP_WAIT)) {
        LOG.warn("lab {}: pid {} still in the process table {} after SIGKILL (live: {})",
            options.namePrefix(), pid, REAP_WAIT, ProcessTable.isLive(pid));
      }
    }
  }

  private LabServer newServer() {
    String name = options.namePrefix() + "-s" + nextIndex++;
    LabServer server = new LabServer(name, block.nextAddress(), baseDir.resolve(name));
    ControlScript.install(server);
    current.put(name, server);
    created.add(server);
    return server;
  }

  private void refreshArgs() {
    current.values().forEach(s -> ControlScript.writeArgs(s, argv(s)));
  }

  private List<String> argv(LabServer server) {
    List<String> argv = new ArrayList<>(List.of(
        binary.toString(), "agent", "-server",
        "-bootstrap-expect=" + options.servers(),
        "-node=" + server.name(),
        "-bind=" + server.address(),
        "-client=" + server.address(),
        "-advertise=" + server.address(),
        "-disable-host-node-id=true",
        "-hcl=ports { dns = -1 grpc = -1 }",
        "-hcl=performance { raft_multiplier = " + options.raftMultiplier() + " }",
        "-hcl=leave_on_terminate = false",
        "-retry-interval=1s"));
    current.values().stream().filter(o -> o != server).forEach(o -> argv.add("-retry-join=" + o.address()));
    return argv;
  }

  private void launch(LabServer server) {
    String out = ControlScript.runOrThrow(server, "start");
    track(server, out);
  }

  private void track(LabServer server, String ctlOutput) {
    OptionalLong pid = server.pid();
    if (pid.isEmpty()) {
      throw new LabException("ctl.sh of " + server + " wrote no pid: " + ctlOutput);
    }
    startedPids.putIfAbsent(pid.getAsLong(), server.dataDir());
    LOG.info("lab {}: {} at {} running, pid {} ({})", options.namePrefix(), server.name(), server.address(),
        pid.getAsLong(), ctlOutput);
  }

  private LabServer anyRunning() {
    return runningServers().stream().findFirst()
        .orElseThrow(() -> new LabException("no lab server is running"));
  }

  private static Path createBaseDir(LabOptions options) {
    try {
      Path parent = options.baseDir().orElseGet(LabCluster::defaultParent);
      Files.createDirectories(parent);
      return Files.createTempDirectory(parent, options.namePrefix() + "-").toRealPath();
    } catch (IOException e) {
      throw new LabException("cannot create the lab directory: " + e.getMessage(), e);
    }
  }

  private static Path defaultParent() {
    return ProjectDir.find()
        .map(p -> p.resolve("target"))
        .filter(Files::isDirectory)
        .map(t -> t.resolve("lab"))
        .orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"), "consul-watchdog-lab"));
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      throw new LabException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LabException("interrupted", e);
    }
  }
}
