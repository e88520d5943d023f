package io.consulwatchdog.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Controls an agent on another host over SSH with key authentication and strict host key checking.
 *
 * @param host SSH host name or address
 * @param port SSH port
 * @param user remote user
 * @param identityFile private key (ed25519, ecdsa or rsa)
 * @param passphraseFile file holding the key's passphrase, if the key is encrypted
 * @param knownHostsFile known_hosts file the host key must match
 * @param trustOnFirstUse accept and record an unknown host key (off by default, logged loudly)
 * @param connectTimeout time to connect and authenticate
 * @param stop remote argv that stops the agent
 * @param start remote argv that starts the agent
 * @param restart remote argv that restarts the agent
 * @param fileCommandPrefix argv prefix for file operations (e.g. ["sudo", "-n"]), may be empty
 * @param fileOwner user the file operations run as, through {@code <prefix> -u <fileOwner>} (the owner of
 *     Consul's data dir, e.g. "consul"); "" when the prefix is empty: they then run as the login user
 */
public record SshExecutorConfig(
    String host,
    int port,
    String user,
    Path identityFile,
    Optional<Path> passphraseFile,
    Path knownHostsFile,
    boolean trustOnFirstUse,
    Duration connectTimeout,
    List<String> stop,
    List<String> start,
    List<String> restart,
    List<String> fileCommandPrefix,
    String fileOwner)
    implements ExecutorConfig {

  public SshExecutorConfig {
    stop = List.copyOf(stop);
    start = List.copyOf(start);
    restart = List.copyOf(restart);
    fileCommandPrefix = List.copyOf(fileCommandPrefix);
  }

  @Override
  public String type() {
    return "ssh";
  }
}
