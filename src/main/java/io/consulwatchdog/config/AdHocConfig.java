package io.consulwatchdog.config;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The observe-only config of an ad-hoc `check`, from command-line flags and, where they are silent,
 * the variables Consul's own CLI reads: CONSUL_HTTP_ADDR (and CONSUL_HTTP_SSL), CONSUL_HTTP_TOKEN,
 * CONSUL_HTTP_TOKEN_FILE (which wins, as in Consul), CONSUL_CACERT, CONSUL_CLIENT_CERT,
 * CONSUL_CLIENT_KEY and CONSUL_HTTP_SSL_VERIFY. Errors name the flag or variable and its value.
 */
final class AdHocConfig {
  private static final Logger log = LoggerFactory.getLogger(AdHocConfig.class);
  /** The values Go's strconv.ParseBool (and so Consul) accepts. */
  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
  private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

  /** A value and where it came from: a flag such as --ca-file or a variable such as CONSUL_CACERT. */
  private record Setting(String source, String value) {}

  private final UnaryOperator<String> env;

  AdHocConfig(UnaryOperator<String> env) {
    this.env = env;
  }

  /** True when CONSUL_HTTP_ADDR names a server, so that `check` needs no --server. */
  boolean environmentNamesAServer() {
    return variable("CONSUL_HTTP_ADDR").isPresent();
  }

  /** The one-cluster config named "adhoc"; state (none is written) would go under stateDir. */
  WatchdogConfig build(AdHocRequest request, Path stateDir) {
    List<ServerConfig> servers = new ArrayList<>();
    for (Setting address : addresses(request)) {
      URI uri = ConfigLoader.httpAddress(Optional.empty(), address.source(), address.value());
      servers.add(new ServerConfig(uri.getHost() + ":" + uri.getPort(), uri, Optional.empty(), new NoExecutorConfig()));
    }
    ClusterConfig cluster = new ClusterConfig("adhoc", servers, List.of(), ConfigLoader.DEFAULT_POLL,
        request.requestTimeout(), token(), tls(request), RecoveryConfig.defaults());
    return new WatchdogConfig(Optional.empty(), stateDir, ConfigLoader.DEFAULT_LISTEN, List.of(cluster));
  }

  private List<Setting> addresses(AdHocRequest request) {
    List<Setting> addresses = new ArrayList<>();
    for (int i = 0; i < request.servers().size(); i++) {
      addresses.add(new Setting("--server[" + i + "]", request.servers().get(i)));
    }
    if (addresses.isEmpty()) {
      Setting address = variable("CONSUL_HTTP_ADDR").orElseThrow(() -> ConfigException.field(Optional.empty(),
          "--server", "give at least one server address, or set CONSUL_HTTP_ADDR", null));
      if (!address.value().contains("://")) {
        boolean https = variable("CONSUL_HTTP_SSL").map(this::bool).orElse(false);
        address = new Setting(address.source(), (https ? "https://" : "http://") + address.value());
      }
      addresses.add(address);
    }
    return addresses;
  }

  private Optional<Secret> token() {
    Optional<Setting> file = variable("CONSUL_HTTP_TOKEN_FILE");
    if (file.isPresent()) {
      Path path = readableFile(file.get());
      try {
        String token = Files.readString(path, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
          throw ConfigException.field(Optional.empty(), file.get().source(), "the token file is empty", path.toString());
        }
        return Optional.of(new Secret("file:" + path, token));
      } catch (IOException e) {
        throw ConfigException.field(Optional.empty(), file.get().source(), "cannot be read: " + e.getMessage(),
            path.toString());
      }
    }
    return variable("CONSUL_HTTP_TOKEN").map(t -> new Secret("env:CONSUL_HTTP_TOKEN", t.value().strip()));
  }

  private TlsConfig tls(AdHocRequest request) {
    Optional<Setting> ca = setting("--ca-file", request.caFile(), "CONSUL_CACERT");
    Optional<Setting> cert = setting("--cert-file", request.certFile(), "CONSUL_CLIENT_CERT");
    Optional<Setting> key = setting("--key-file", request.keyFile(), "CONSUL_CLIENT_KEY");
    if (cert.isPresent() != key.isPresent()) {
      Setting given = cert.or(() -> key).orElseThrow();
      throw ConfigException.field(Optional.empty(), given.source(),
          "a client certificate needs both --cert-file (CONSUL_CLIENT_CERT) and --key-file (CONSUL_CLIENT_KEY)",
          given.value());
    }
    Optional<Setting> verify = variable("CONSUL_HTTP_SSL_VERIFY");
    boolean skipVerify = verify.map(v -> !bool(v)).orElse(false);
    if (skipVerify) {
      log.warn("TLS certificate verification is OFF (CONSUL_HTTP_SSL_VERIFY={}): anyone on the path can impersonate Consul",
          verify.get().value());
    }
    TlsConfig tls = new TlsConfig(ca.map(this::readableFile), cert.map(this::readableFile), key.map(this::readableFile),
        skipVerify);
    ConfigLoader.tlsLoadProblem(tls).ifPresent(problem -> {
      Setting culprit = cert.or(() -> ca).orElseThrow();
      throw ConfigException.field(Optional.empty(), culprit.source(), problem, culprit.value());
    });
    return tls;
  }

  /** The flag's value if given, else the variable's. */
  private Optional<Setting> setting(String flag, Optional<String> flagValue, String variable) {
    return flagValue.filter(v -> !v.isBlank()).map(v -> new Setting(flag, v)).or(() -> variable(variable));
  }

  private Optional<Setting> variable(String name) {
    return Optional.ofNullable(env.apply(name)).filter(v -> !v.isBlank()).map(v -> new Setting(name, v.strip()));
  }

  private Path readableFile(Setting setting) {
    Path p = Path.of(setting.value());
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw ConfigException.field(Optional.empty(), setting.source(), "must be a readable file", setting.value());
    }
    return p;
  }

  private boolean bool(Setting setting) {
    if (TRUE.contains(setting.value())) {
      return true;
    }
    if (FALSE.contains(setting.value())) {
      return false;
    }
    throw ConfigException.field(Optional.empty(), setting.source(), "must be true or false", setting.value());
  }
}
