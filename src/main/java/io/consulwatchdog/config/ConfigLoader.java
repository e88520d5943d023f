package io.consulwatchdog.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads and validates the YAML configuration; every error names the file, the field and the value. */
public final class ConfigLoader {
  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
  private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
  /** The recovery strategies the watchdog knows, in their usual order. */
  public static final List<String> STRATEGIES = List.of("restart-down-servers", "peers-json", "bootstrap-expect");

  /** The prefix of a token file in the directory of systemd credentials (LoadCredential=). */
  private static final String CREDENTIALS_DIRECTORY = "${CREDENTIALS_DIRECTORY}";
  /** Default state directory. */
  public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/consul-watchdog");
  /** Default address of /metrics and /health. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:9464";
  /** Default time between polls. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);
  /**
   * Shortest recovery.leaderless_after: two raft election timeouts at Consul's fastest timing (raft_multiplier 1,
   * election timeout 1 s), the longest a follower waits before it campaigns after losing its leader.
   */
  public static final Duration MIN_LEADERLESS_AFTER = Duration.ofSeconds(2);
  /** Two election timeouts at Consul's default timing (raft_multiplier 5): 10 s. */
  private static final Duration DEFAULT_TIMING_ELECTION = Duration.ofSeconds(10);
  /** Default timeout of one HTTP request. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);

  private final UnaryOperator<String> env;
  private final boolean checkReferences;

  /** A loader that reads environment variables from the process environment. */
  public ConfigLoader() {
    this(System::getenv);
  }

  /** A loader with an injected environment, for tests. */
  public ConfigLoader(UnaryOperator<String> env) {
    this(env, true);
  }

  private ConfigLoader(UnaryOperator<String> env, boolean checkReferences) {
    this.env = env;
    this.checkReferences = checkReferences;
  }

  /**
   * The same loader checking only syntax, keys and values: files the config names (token, TLS, SSH
   * key, known_hosts) and environment variables it reads are not opened, so a config can be linted
   * in CI, away from the machine it is written for. Secrets it would read are left empty.
   */
  public ConfigLoader syntaxOnly() {
    return new ConfigLoader(env, false);
  }

  /** Loads and validates a config file. */
  public WatchdogConfig load(Path file) {
    String text;
    try {
      text = utf8(file, Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw ConfigException.missing(file, "no such file");
    } catch (IOException e) {
      throw ConfigException.missing(file, "cannot be read: " + e.getMessage());
    }
    JsonNode root;
    try {
      root = JsonMapper.yaml().readTree(text);
    } catch (JacksonException e) {
      throw ConfigException.syntax(file, e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw ConfigException.field(Optional.of(file), "(top level)", "the file is empty", null);
    }
    return parse(Optional.of(file), new ConfigNode(Optional.of(file), "", root));
  }

  /** Decodes the file's bytes as UTF-8; a byte sequence that is not UTF-8 is a config error naming its offset. */
  private static String utf8(Path file, byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never decodes to more chars than bytes
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        line += bytes[i] == '\n' ? 1 : 0;
      }
      throw ConfigException.notUtf8(file, offset, line);
    }
    return out.flip().toString();
  }

  /** Builds an ad-hoc, observe-only config from server addresses given on the command line. */
  public WatchdogConfig adHoc(List<String> serverAddresses, Path stateDir, Duration requestTimeout) {
    return adHoc(AdHocRequest.of(serverAddresses, requestTimeout), stateDir);
  }

  /**
   * Builds an ad-hoc, observe-only config from the command line and, where it is silent, Consul's own
   * variables (CONSUL_HTTP_ADDR, CONSUL_HTTP_TOKEN(_FILE), CONSUL_CACERT, CONSUL_CLIENT_CERT/KEY,
   * CONSUL_HTTP_SSL_VERIFY).
   */
  public WatchdogConfig adHoc(AdHocRequest request, Path stateDir) {
    return new AdHocConfig(env).build(request, stateDir);
  }

  /** True when CONSUL_HTTP_ADDR names a server, so that an ad-hoc check needs no --server. */
  public boolean environmentNamesAServer() {
    return new AdHocConfig(env).environmentNamesAServer();
  }

  private WatchdogConfig parse(Optional<Path> file, ConfigNode root) {
    Path stateDir = Path.of(root.string("state_dir", DEFAULT_STATE_DIR.toString()));
    String listen = root.string("listen_address", DEFAULT_LISTEN);
    if (!listen.matches("[^:\\s]+:\\d{1,5}") || Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1)) > 65535) {
      throw root.error("listen_address", "must be HOST:PORT", listen);
    }
    List<ConfigNode> clusterNodes = root.children("clusters");
    if (clusterNodes.isEmpty()) {
      throw root.error("clusters", "must list at least one cluster", null);
    }
    Optional<ConfigNode> defaults = root.optionalChild("defaults");
    Set<String> names = new HashSet<>();
    List<ClusterConfig> clusters = new ArrayList<>();
    for (ConfigNode c : clusterNodes) {
      ClusterConfig cluster = cluster(c, defaults.map(ConfigNode::raw));
      if (!names.add(cluster.name())) {
        throw c.error(c.field("name"), "is used by another cluster", cluster.name());
      }
      clusters.add(cluster);
    }
    CoordinationConfig coordination = root.optionalChild("coordination").map(n -> coordination(n, clusters))
        .orElse(CoordinationConfig.none());
    Optional<Secret> controlToken = root.optionalString("control_token_file")
        .map(path -> tokenFromFile(root, "control_token_file", path));
    root.rejectUnknownKeys();
    return new WatchdogConfig(file, stateDir, listen, clusters, coordination, controlToken);
  }

  /**
   * Reads the coordination block; a coordination store at an address of a watched cluster's agent is refused:
   * the cluster being healed may have no leader, and then it serves no locks.
   */
  private CoordinationConfig coordination(ConfigNode n, List<ClusterConfig> clusters) {
    CoordinationConfig d = CoordinationConfig.none();
    String type = n.string("type", CoordinationConfig.NONE);
    if (!CoordinationConfig.TYPES.contains(type)) {
      throw n.error(n.field("type"), "must be one of " + String.join(", ", CoordinationConfig.TYPES), type);
    }
    List<String> raw = n.stringList("addresses", List.of());
    List<URI> addresses = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      URI address = httpAddress(n.file(), n.field("addresses") + "[" + i + "]", raw.get(i));
      String owner = watchedAgentAt(address, clusters);
      if (owner != null) {
        throw n.error(n.field("addresses") + "[" + i + "]", "is the address of " + owner + ": the coordination "
            + "store must be a different cluster (a leaderless watched cluster serves no locks)", raw.get(i));
      }
      addresses.add(address);
    }
    if (!type.equals(CoordinationConfig.NONE) && addresses.isEmpty()) {
      throw n.error(n.field("addresses"), "must list at least one http(s)://HOST:PORT of the " + type + " store", null);
    }
    Optional<Secret> token = n.optionalChild("token").map(this::secret);
    if (token.isPresent() && !type.equals(CoordinationConfig.CONSUL)) {
      throw n.error(n.field("token"), "is only for type consul", type);
    }
    TlsConfig tls = n.optionalChild("tls").map(this::tls).orElse(TlsConfig.defaults());
    Duration minTtl = type.equals(CoordinationConfig.CONSUL) ? Duration.ofSeconds(10) : Duration.ofSeconds(2);
    Duration ttl = n.duration("ttl", d.ttl(), minTtl, Duration.ofHours(1));
    Duration lockDelay = n.duration("lock_delay", d.lockDelay(), Duration.ZERO, Duration.ofSeconds(60));
    String prefix = n.string("key_prefix", d.keyPrefix());
    if (!prefix.matches("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")) {
      throw n.error(n.field("key_prefix"), "must be key segments of letters, digits, '.', '_', '-' joined by '/'",
          prefix);
    }
    Optional<String> instance = n.optionalString("instance_name");
    instance.filter(i -> !NAME.matcher(i).matches()).ifPresent(i -> {
      throw n.error(n.field("instance_name"), "must be letters, digits, '.', '_' or '-' (at most 63)", i);
    });
    Duration timeout = n.duration("request_timeout", d.requestTimeout(), Duration.ofMillis(100),
        Duration.ofMinutes(1));
    n.rejectUnknownKeys();
    return new CoordinationConfig(type, addresses, token, tls, ttl, lockDelay, prefix, instance, timeout);
  }

  /** The field of the watched agent (server or client) at the address's host and port, or null. */
  private static String watchedAgentAt(URI address, List<ClusterConfig> clusters) {
    String hostPort = address.getHost().toLowerCase(Locale.ROOT) + ":" + address.getPort();
    for (ClusterConfig c : clusters) {
      for (ServerConfig s : concat(c.servers(), c.clients())) {
        URI a = s.httpAddress();
        if ((a.getHost().toLowerCase(Locale.ROOT) + ":" + a.getPort()).equals(hostPort)) {
          return "agent " + s.name() + " of watched cluster " + c.name();
        }
      }
    }
    return null;
  }

  private static List<ServerConfig> concat(List<ServerConfig> a, List<ServerConfig> b) {
    List<ServerConfig> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private ClusterConfig cluster(ConfigNode c, Optional<JsonNode> globalDefaults) {
    String name = name(c, "name");
    Duration poll = c.duration("poll_interval", DEFAULT_POLL, Duration.ofMillis(200), Duration.ofHours(1));
    Duration timeout = c.duration("request_timeout", DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(1));
    Optional<Secret> token = c.optionalChild("acl_token").map(this::secret);
    Optional<Secret> agentToken = c.optionalChild("agent_token").map(this::secret);
    TlsConfig tls = c.optionalChild("tls").map(this::tls).orElse(TlsConfig.defaults());
    Optional<JsonNode> executorDefaults = c.optionalChild("executor_defaults").map(ConfigNode::raw)
        .or(() -> globalDefaults.map(d -> d.get("executor")).filter(n -> n != null && !n.isNull()));
    // Names and addresses are unique across servers and clients: each names one agent of the cluster.
    Map<String, String> namesUsed = new HashMap<>();
    Map<String, String> addressesUsed = new HashMap<>();
    List<ServerConfig> servers = agents(c, "servers", executorDefaults, namesUsed, addressesUsed);
    if (servers.isEmpty()) {
      throw c.error(c.field("servers"), "must list at least one server", null);
    }
    List<ServerConfig> clients = agents(c, "clients", executorDefaults, namesUsed, addressesUsed);
    RecoveryConfig recovery = c.optionalChild("recovery").map(this::recovery).orElse(RecoveryConfig.defaults());
    checkRecoveryNeeds(c, servers, clients, recovery);
    List<MaintenanceWindow> windows = c.children("maintenance_windows").stream()
        .map(ConfigLoader::maintenanceWindow).toList();
    c.rejectUnknownKeys();
    return new ClusterConfig(name, servers, clients, poll, timeout, token, agentToken, tls, recovery, windows);
  }

  /**
   * Reads the agents listed under a key; namesUsed and addressesUsed map each name and host:port already
   * taken by an agent of the cluster to that agent's field, and get this list's agents.
   */
  private List<ServerConfig> agents(ConfigNode c, String key, Optional<JsonNode> executorDefaults,
      Map<String, String> namesUsed, Map<String, String> addressesUsed) {
    List<ServerConfig> out = new ArrayList<>();
    for (ConfigNode s : c.children(key)) {
      String name = name(s, "name");
      URI http = httpAddress(s.file(), s.field("http_address"), s.string("http_address"));
      Optional<String> dataDir = s.optionalString("data_dir");
      dataDir.filter(d -> !d.startsWith("/")).ifPresent(d -> {
        throw s.error(s.field("data_dir"), "must be an absolute path", d);
      });
      ExecutorConfig executor = executor(s, http, executorDefaults);
      s.rejectUnknownKeys();
      String nameOwner = namesUsed.putIfAbsent(name, s.path());
      if (nameOwner != null) {
        throw s.error(s.field("name"), "is also the name of " + nameOwner, name);
      }
      // the same host and port is the same agent, whether over http or https
      String addressOwner = addressesUsed.putIfAbsent(http.getHost().toLowerCase(Locale.ROOT) + ":" + http.getPort(), s.path());
      if (addressOwner != null) {
        throw s.error(s.field("http_address"), "is also the address of " + addressOwner, http.toString());
      }
      out.add(new ServerConfig(name, http, dataDir, executor));
    }
    return out;
  }

  private ExecutorConfig executor(ConfigNode agent, URI http, Optional<JsonNode> defaults) {
    Optional<ConfigNode> own = agent.optionalChild("executor");
    if (own.isEmpty() && defaults.isEmpty()) {
      return new NoExecutorConfig();
    }
    ObjectNode merged = JsonNodeFactory.instance.objectNode();
    String ownType = own.map(o -> o.raw().path("type").asText("")).orElse("");
    // Defaults apply only to executors of their own type: a systemd server ignores ssh defaults.
    defaults.filter(JsonNode::isObject)
        .filter(d -> ownType.isEmpty() || ownType.equals(d.path("type").asText("")))
        .ifPresent(d -> merged.setAll((ObjectNode) d));
    own.ifPresent(o -> merged.setAll((ObjectNode) o.raw()));
    ConfigNode e = new ConfigNode(agent.file(), agent.field("executor"), merged);
    String type = e.string("type");
    ExecutorConfig result = switch (type) {
      case "none" -> new NoExecutorConfig();
      case "local" -> new LocalExecutorConfig(
          command(e, "stop", true), command(e, "start", true), command(e, "restart", false));
      case "ssh" -> ssh(e, http);
      case "systemd" -> systemd(e);
      default -> throw e.error(e.field("type"), "must be one of local, ssh, systemd, none", type);
    };
    e.rejectUnknownKeys();
    return result;
  }

  private static List<String> command(ConfigNode e, String key, boolean required) {
    List<String> argv = e.stringList(key, List.of());
    if (required && argv.isEmpty()) {
      throw e.error(e.field(key), "is required: the argv list that runs it, e.g. [systemctl, " + key + ", consul]", null);
    }
    return argv;
  }

  private SshExecutorConfig ssh(ConfigNode e, URI http) {
    String host = e.string("host", http.getHost());
    int port = e.integer("port", 22, 1, 65535);
    String user = e.string("user");
    Path identity = existingFile(e, "identity_file", e.string("identity_file"));
    Optional<Path> passphrase = e.optionalString("passphrase_file").map(p -> existingFile(e, "passphrase_file", p));
    Path knownHosts = Path.of(e.string("known_hosts_file", System.getProperty("user.home") + "/.ssh/known_hosts"));
    boolean tofu = e.bool("trust_on_first_use", false);
    if (checkReferences && !tofu && !Files.isReadable(knownHosts)) {
      throw e.error(e.field("known_hosts_file"), "must be a readable known_hosts file (strict host key checking)", knownHosts.toString());
    }
    Duration connect = e.duration("connect_timeout", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(5));
    List<String> sudo = List.of("sudo", "-n", "systemctl");
    List<String> filePrefix = e.stringList("file_command_prefix", List.of("sudo", "-n"));
    return new SshExecutorConfig(host, port, user, identity, passphrase, knownHosts, tofu, connect,
        e.stringList("stop", concat(sudo, "stop", "consul")),
        e.stringList("start", concat(sudo, "start", "consul")),
        e.stringList("restart", concat(sudo, "restart", "consul")),
        filePrefix, fileOwner(e, filePrefix));
  }

  /** The user file commands run as (`<prefix> -u <owner>`): consul by default, none with an empty prefix. */
  private static String fileOwner(ConfigNode e, List<String> filePrefix) {
    Optional<String> owner = e.optionalString("file_owner");
    if (owner.isPresent() && filePrefix.isEmpty()) {
      throw e.error(e.field("file_owner"), "needs a file_command_prefix such as [sudo, -n] to run the file"
          + " commands as that user (with an empty prefix they run as the login user)", owner.get());
    }
    if (owner.isPresent() && !USER_NAME.matcher(owner.get()).matches()) {
      throw e.error(e.field("file_owner"), "must be a user name such as consul", owner.get());
    }
    return filePrefix.isEmpty() ? "" : owner.orElse("consul");
  }

  private static List<String> concat(List<String> prefix, String... more) {
    List<String> out = new ArrayList<>(prefix);
    out.addAll(List.of(more));
    return List.copyOf(out);
  }

  private SystemdExecutorConfig systemd(ConfigNode e) {
    String unit = e.string("unit", "consul.service");
    String bus = e.string("bus", "system");
    if (!Set.of("system", "user", "address").contains(bus)) {
      throw e.error(e.field("bus"), "must be one of system, user, address", bus);
    }
    Optional<String> address = e.optionalString("address");
    if (bus.equals("address") && address.isEmpty()) {
      throw e.error(e.field("address"), "is required when bus is address (e.g. unix:path=/run/dbus/system_bus_socket)", null);
    }
    return new SystemdExecutorConfig(unit, bus, address);
  }

  private Secret secret(ConfigNode t) {
    Optional<String> file = t.optionalString("file");
    Optional<String> var = t.optionalString("env");
    t.rejectUnknownKeys();
    if (file.isPresent() == var.isPresent()) {
      throw t.error(t.path(), "must name exactly one of file or env (tokens are never written inline)", null);
    }
    if (!checkReferences) {
      return file.map(f -> new Secret("file:" + f, "")).orElseGet(() -> new Secret("env:" + var.get(), ""));
    }
    if (file.isPresent()) {
      return tokenFromFile(t, "file", file.get());
    }
    String value = env.apply(var.get());
    if (value == null || value.isBlank()) {
      throw t.error(t.field("env"), "names an environment variable that is not set or empty", var.get());
    }
    return new Secret("env:" + var.get(), value.trim());
  }

  /**
   * Reads a token from the file a key names (a leading ${CREDENTIALS_DIRECTORY} is the directory where systemd
   * puts a service's LoadCredential= files); syntax-only loading opens nothing and leaves the value empty.
   */
  private Secret tokenFromFile(ConfigNode n, String key, String path) {
    if (!checkReferences) {
      return new Secret("file:" + path, "");
    }
    Path p = existingFile(n, key, withCredentialsDirectory(n, key, path));
    try {
      String value = Files.readString(p, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw n.error(n.field(key), "the token file is empty", p.toString());
      }
      return new Secret("file:" + p, value);
    } catch (IOException ex) {
      throw n.error(n.field(key), "cannot be read: " + ex.getMessage(), p.toString());
    }
  }

  /** Replaces a leading ${CREDENTIALS_DIRECTORY} by its value from the environment; an error if it is not set. */
  private String withCredentialsDirectory(ConfigNode n, String key, String path) {
    return credentialsPath(path, env).orElseThrow(() -> n.error(n.field(key), "names " + CREDENTIALS_DIRECTORY
        + ", which systemd sets only for a service with LoadCredential= (run this command inside the service, or use "
        + "validate --syntax-only)", path));
  }

  /**
   * A token file path with a leading ${CREDENTIALS_DIRECTORY} (the directory where systemd puts a service's
   * LoadCredential= files) replaced by that variable's value; empty when it names it and the variable is unset.
   */
  public static Optional<String> credentialsPath(String path, Function<String, String> env) {
    if (!path.startsWith(CREDENTIALS_DIRECTORY)) {
      return Optional.of(path);
    }
    String dir = env.apply("CREDENTIALS_DIRECTORY");
    return dir == null || dir.isBlank() ? Optional.empty()
        : Optional.of(dir + path.substring(CREDENTIALS_DIRECTORY.length()));
  }

  private TlsConfig tls(ConfigNode t) {
    Optional<Path> ca = t.optionalString("ca_file").map(p -> existingFile(t, "ca_file", p));
    Optional<Path> cert = t.optionalString("cert_file").map(p -> existingFile(t, "cert_file", p));
    Optional<Path> key = t.optionalString("key_file").map(p -> existingFile(t, "key_file", p));
    boolean skip = t.bool("skip_verify", false);
    t.rejectUnknownKeys();
    if (cert.isPresent() != key.isPresent()) {
      throw t.error(t.path(), "cert_file and key_file go together", cert.or(() -> key).map(Path::toString).orElse(null));
    }
    if (skip) {
      log.warn("TLS certificate verification is OFF ({}.skip_verify: true): anyone on the path can impersonate Consul", t.path());
    }
    TlsConfig config = new TlsConfig(ca, cert, key, skip);
    if (!checkReferences) {
      return config;
    }
    tlsLoadProblem(config).ifPresent(problem -> {
      throw t.error(t.path(), problem, null);
    });
    return config;
  }

  /** Loads the TLS files exactly as the watchdog will, so that a bad file is a config error now: what is wrong, if anything. */
  static Optional<String> tlsLoadProblem(TlsConfig config) {
    try {
      TlsFiles.load(config);
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of("cannot load TLS files: " + e.getMessage());
    }
  }

  private RecoveryConfig recovery(ConfigNode r) {
    RecoveryConfig d = RecoveryConfig.defaults();
    String modeName = r.string("mode", d.mode().configName());
    RecoveryMode mode = RecoveryMode.parse(modeName)
        .orElseThrow(() -> r.error(r.field("mode"), "must be one of " + RecoveryMode.names(), modeName));
    List<String> strategies = r.stringList("strategies", d.strategies());
    if (strategies.isEmpty()) {
      throw r.error(r.field("strategies"), "must list at least one of " + String.join(", ", STRATEGIES), "[]");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < strategies.size(); i++) {
      String s = strategies.get(i);
      if (!STRATEGIES.contains(s)) {
        throw r.error(r.field("strategies") + "[" + i + "]", "must be one of " + String.join(", ", STRATEGIES), s);
      }
      if (!seen.add(s)) {
        throw r.error(r.field("strategies") + "[" + i + "]", "is listed twice", s);
      }
    }
    RecoveryConfig rc = new RecoveryConfig(mode, strategies, leaderlessAfter(r, d.leaderlessAfter()),
        r.integer("confirm_polls", d.confirmPolls(), 1, 1000),
        r.duration("confirm_window", d.confirmWindow(), Duration.ZERO, Duration.ofHours(24)),
        r.duration("cooldown", d.cooldown(), Duration.ZERO, Duration.ofDays(7)),
        r.integer("max_failures", d.maxFailures(), 1, 100),
        r.duration("failure_window", d.failureWindow(), Duration.ofSeconds(1), Duration.ofDays(30)),
        r.duration("settle_timeout", d.settleTimeout(), Duration.ofSeconds(1), Duration.ofHours(1)),
        r.bool("restart_clients", d.restartClients()),
        r.bool("undo_on_failure", d.undoOnFailure()));
    r.rejectUnknownKeys();
    return rc;
  }

  /**
   * Reads recovery.leaderless_after, refusing a wait that cannot tell a normal election from a stuck cluster and
   * warning about one that can only at Consul's fastest raft timing.
   */
  private static Duration leaderlessAfter(ConfigNode r, Duration fallback) {
    Duration after = r.duration("leaderless_after", fallback, Duration.ZERO, Duration.ofHours(24));
    if (after.compareTo(MIN_LEADERLESS_AFTER) < 0) {
      throw r.error(r.field("leaderless_after"), "must be at least " + Durations.format(MIN_LEADERLESS_AFTER)
          + ": Consul's raft election timeout is 1s x raft_multiplier (1 at the fastest, 5 by default) and a"
          + " follower waits up to two election timeouts before it campaigns, so a shorter wait would call a"
          + " normal election stuck", Durations.format(after));
    }
    if (after.compareTo(DEFAULT_TIMING_ELECTION) < 0) {
      log.warn("{} is {}: shorter than two election timeouts at Consul's default raft_multiplier 5 ({});"
          + " right only for servers that run raft_multiplier {} or less", r.field("leaderless_after"),
          Durations.format(after), Durations.format(DEFAULT_TIMING_ELECTION), after.toSeconds() / 2);
    }
    return after;
  }

  private static void checkRecoveryNeeds(ConfigNode c, List<ServerConfig> servers, List<ServerConfig> clients, RecoveryConfig r) {
    if (r.mode() == RecoveryMode.DETECT_ONLY) {
      return;
    }
    for (int i = 0; i < servers.size(); i++) {
      ServerConfig s = servers.get(i);
      if (s.executor() instanceof NoExecutorConfig) {
        throw c.error(c.field("servers") + "[" + i + "].executor",
            "is required when recovery.mode is " + r.mode() + " (server " + s.name() + " has none)", null);
      }
      if (r.strategies().contains("peers-json") && s.dataDir().isEmpty()) {
        throw c.error(c.field("servers") + "[" + i + "].data_dir",
            "is required by the peers-json strategy (server " + s.name() + ")", null);
      }
    }
    if (r.restartClients()) {
      for (int i = 0; i < clients.size(); i++) {
        if (clients.get(i).executor() instanceof NoExecutorConfig) {
          throw c.error(c.field("clients") + "[" + i + "].executor", "is required when recovery.restart_clients is true", null);
        }
      }
    }
  }

  /** Reads one maintenance window; the cron expression is parsed by Quartz, never by hand. */
  private static MaintenanceWindow maintenanceWindow(ConfigNode w) {
    String cron = w.string("cron");
    try {
      MaintenanceWindow.validate(cron);
    } catch (ParseException e) {
      throw w.error(w.field("cron"), "must be a Quartz cron expression such as \"0 0 2 ? * SUN\" (seconds "
          + "minutes hours day-of-month month day-of-week, one of the two days \"?\"): " + e.getMessage(), cron);
    }
    Duration duration = w.duration("duration", null, Duration.ofMinutes(1), Duration.ofDays(7));
    if (duration == null) {
      throw w.error(w.field("duration"), "is required: how long each window stays open, e.g. 2h", null);
    }
    String zone = w.string("time_zone", "UTC");
    ZoneId timeZone;
    try {
      timeZone = ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw w.error(w.field("time_zone"), "must be a time zone such as UTC or Europe/Berlin", zone);
    }
    String reason = w.string("reason", "maintenance window");
    w.rejectUnknownKeys();
    return new MaintenanceWindow(cron, duration, timeZone, reason);
  }

  private static String name(ConfigNode n, String key) {
    String name = n.string(key);
    if (!NAME.matcher(name).matches()) {
      throw n.error(n.field(key), "must be letters, digits, '.', '_' or '-' (at most 63)", name);
    }
    return name;
  }

  static URI httpAddress(Optional<Path> file, String field, String value) {
    try {
      URI uri = new URI(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null || uri.getPort() < 0
          || !(uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
        throw ConfigException.field(file, field, "must be http://HOST:PORT or https://HOST:PORT", value);
      }
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), null, null, null);
    } catch (URISyntaxException e) {
      throw ConfigException.field(file, field, "must be http://HOST:PORT or https://HOST:PORT", value);
    }
  }

  private Path existingFile(ConfigNode n, String key, String value) {
    Path p = Path.of(value);
    if (checkReferences && (!Files.isRegularFile(p) || !Files.isReadable(p))) {
      throw n.error(n.field(key), "must be a readable file", value);
    }
    return p;
  }
}
