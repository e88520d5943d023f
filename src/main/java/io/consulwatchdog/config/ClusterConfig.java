package io.consulwatchdog.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One Consul server cluster the watchdog watches.
 *
 * @param name cluster name, used in metrics, logs and the state directory
 * @param servers the server agents
 * @param clients client agents, restarted after a recovery if asked
 * @param pollInterval time between polls
 * @param requestTimeout timeout of one HTTP request to one agent
 * @param aclToken ACL token sent as X-Consul-Token, if any (operator, KV and catalog reads; the agent
 *     endpoints too unless an agent token is set)
 * @param agentToken token for the agent endpoints (/v1/agent/*): Consul's agent recovery token
 *     (acl.tokens.agent_master, agent_recovery since 1.11), which the agent checks itself, with no leader
 * @param tls TLS settings for https addresses
 * @param recovery when and how to heal
 * @param maintenanceWindows recurring windows in which the cluster only plans (dry-run), never acts
 */
public record ClusterConfig(
    String name,
    List<ServerConfig> servers,
    List<ServerConfig> clients,
    Duration pollInterval,
    Duration requestTimeout,
    Optional<Secret> aclToken,
    Optional<Secret> agentToken,
    TlsConfig tls,
    RecoveryConfig recovery,
    List<MaintenanceWindow> maintenanceWindows) {

  public ClusterConfig {
    servers = List.copyOf(servers);
    clients = List.copyOf(clients);
    maintenanceWindows = List.copyOf(maintenanceWindows);
  }

  /** A cluster without maintenance windows. */
  public ClusterConfig(String name, List<ServerConfig> servers, List<ServerConfig> clients, Duration pollInterval,
      Duration requestTimeout, Optional<Secret> aclToken, Optional<Secret> agentToken, TlsConfig tls,
      RecoveryConfig recovery) {
    this(name, servers, clients, pollInterval, requestTimeout, aclToken, agentToken, tls, recovery, List.of());
  }

  /** A cluster with no agent token (the ACL token, if any, is used for every endpoint). */
  public ClusterConfig(String name, List<ServerConfig> servers, List<ServerConfig> clients, Duration pollInterval,
      Duration requestTimeout, Optional<Secret> aclToken, TlsConfig tls, RecoveryConfig recovery) {
    this(name, servers, clients, pollInterval, requestTimeout, aclToken, Optional.empty(), tls, recovery, List.of());
  }

  /** The same cluster with other recovery settings. */
  public ClusterConfig withRecovery(RecoveryConfig newRecovery) {
    return new ClusterConfig(name, servers, clients, pollInterval, requestTimeout, aclToken, agentToken, tls,
        newRecovery, maintenanceWindows);
  }

  /** The same cluster with other servers (e.g. configured by host name). */
  public ClusterConfig withServers(List<ServerConfig> newServers) {
    return new ClusterConfig(name, newServers, clients, pollInterval, requestTimeout, aclToken, agentToken, tls,
        recovery, maintenanceWindows);
  }

  /** The same cluster with other tokens. */
  public ClusterConfig withTokens(Optional<Secret> newAclToken, Optional<Secret> newAgentToken) {
    return new ClusterConfig(name, servers, clients, pollInterval, requestTimeout, newAclToken, newAgentToken, tls,
        recovery, maintenanceWindows);
  }

  /** The same cluster with other maintenance windows. */
  public ClusterConfig withMaintenanceWindows(List<MaintenanceWindow> windows) {
    return new ClusterConfig(name, servers, clients, pollInterval, requestTimeout, aclToken, agentToken, tls,
        recovery, windows);
  }

  /** The token sent to a path: the agent token for /v1/agent/ when one is set, else the ACL token. */
  public Optional<Secret> tokenFor(String path) {
    return path.startsWith("/v1/agent/") && agentToken.isPresent() ? agentToken : aclToken;
  }

  /**
   * The server addresses this cluster's ACL token travels to in clear text: plain http:// to a host that is not
   * a loopback address (a host name other than localhost counts as not loopback; it is not resolved here).
   */
  public List<URI> tokenInClearTextTo() {
    if (aclToken.isEmpty()) {
      return List.of();
    }
    return servers.stream().map(ServerConfig::httpAddress)
        .filter(uri -> "http".equals(uri.getScheme()) && !isLoopback(uri.getHost())).toList();
  }

  private static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    boolean ipLiteral = host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.startsWith("[");
    try {
      return ipLiteral && InetAddress.getByName(host).isLoopbackAddress(); // a literal: no name lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The votes needed for a majority of the configured servers. */
  public int quorum() {
    return servers.size() / 2 + 1;
  }
}
