package io.consulwatchdog.config;

import java.net.URI;
import java.util.Optional;

/**
 * One Consul agent the watchdog watches: its name, HTTP API address, data dir and executor.
 *
 * @param name the agent's node name (as in consul members)
 * @param httpAddress base URI of its HTTP API, e.g. http://10.0.0.1:8500
 * @param dataDir the agent's data_dir on its host, needed for backups and peers.json
 * @param executor how to stop, start and restart it
 */
public record ServerConfig(String name, URI httpAddress, Optional<String> dataDir, ExecutorConfig executor) {}
