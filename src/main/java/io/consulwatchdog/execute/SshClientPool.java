package io.consulwatchdog.execute;

import io.consulwatchdog.config.SshExecutorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * One Apache MINA SSHD client for the whole daemon, with one authenticated session per target
 * (user@host:port + key) that is reused while open and replaced when it died.
 *
 * <p>No ~/.ssh/config, no default keys, no passwords: only the configured key, only public-key auth,
 * only host keys found in the configured known_hosts file (see {@link KnownHostsVerifier}).
 */
public final class SshClientPool implements AutoCloseable {
  private final SshClient client;
  private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
  /** One lock per target, so that a slow connect to one host never holds up the others. */
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /** Creates and starts the shared client. */
  public SshClientPool() {
    client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(new KnownHostsVerifier());
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
    client.start();
  }

  /** Returns an open, authenticated session for the target, connecting when needed. */
  ClientSession session(SshExecutorConfig config) throws SshFailure {
    String key = key(config);
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      ClientSession existing = sessions.get(key);
      if (existing != null && existing.isOpen() && existing.isAuthenticated()) {
        return existing;
      }
      if (existing != null) {
        sessions.remove(key);
        existing.close(true);
      }
      ClientSession fresh = connect(config);
      sessions.put(key, fresh);
      return fresh;
    }
  }

  /** Closes and forgets a session that failed, so the next call reconnects. */
  void discard(SshExecutorConfig config, ClientSession session) {
    sessions.remove(key(config), session);
    session.close(true);
  }

  private ClientSession connect(SshExecutorConfig config) throws SshFailure {
    String where = config.user() + "@" + config.host() + ":" + config.port();
    Duration timeout = config.connectTimeout();
    HostKeyPolicy policy = new HostKeyPolicy(config.host(), config.port(), config.knownHostsFile(),
        config.trustOnFirstUse());
    Iterable<KeyPair> keys = loadKey(config);
    ClientSession session = null;
    AtomicReference<String> refusal = new AtomicReference<>();
    try {
      ConnectFuture future = client.connect(config.user(), config.host(), config.port(),
          AttributeRepository.ofAttributesMap(Map.of(KnownHostsVerifier.POLICY, policy,
              KnownHostsVerifier.REFUSAL, refusal)));
      if (!future.await(timeout)) {
        future.cancel();
        throw new SshFailure("ssh " + where + ": connect timed out after " + Timing.human(timeout));
      }
      if (future.getException() != null) {
        throw new SshFailure("ssh " + where + ": cannot connect: " + cause(future.getException()));
      }
      session = future.getSession();
      for (KeyPair k : keys) {
        session.addPublicKeyIdentity(k);
      }
      session.auth().verify(timeout);
      return session;
    } catch (IOException | RuntimeException e) {
      if (session != null) {
        session.close(true);
      }
      if (refusal.get() != null) {
        throw new SshFailure("ssh " + where + ": " + refusal.get());
      }
      throw new SshFailure("ssh " + where + ": " + (session == null ? "cannot connect: " : "authentication failed: ")
          + cause(e));
    }
  }

  private static Iterable<KeyPair> loadKey(SshExecutorConfig config) throws SshFailure {
    try {
      FilePasswordProvider passphrase = FilePasswordProvider.EMPTY;
      if (config.passphraseFile().isPresent()) {
        passphrase = FilePasswordProvider.of(Files.readString(config.passphraseFile().get(), StandardCharsets.UTF_8)
            .strip());
      }
      Iterable<KeyPair> keys;
      try (InputStream in = Files.newInputStream(config.identityFile())) {
        keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(config.identityFile().toString()), in,
            passphrase);
      }
      if (keys == null || !keys.iterator().hasNext()) {
        throw new SshFailure("ssh key " + config.identityFile() + ": no key found in the file");
      }
      return keys;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // the message never contains the passphrase itself
      throw new SshFailure("ssh key " + config.identityFile() + ": cannot load: " + cause(e));
    }
  }

  private static String key(SshExecutorConfig config) {
    return config.user() + "@" + config.host() + ":" + config.port() + "#" + config.identityFile();
  }

  /** The innermost message of an exception chain, on one line. */
  static String cause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return Timing.oneLine(t == e ? msg : msg + " (" + t.getClass().getSimpleName() + ")");
  }

  /** Closes every session and stops the client. */
  @Override
  public void close() {
    sessions.values().forEach(s -> s.close(true));
    sessions.clear();
    client.stop();
  }

  /** A connection or authentication failure with a one-line message. */
  static final class SshFailure extends Exception {
    private static final long serialVersionUID = 1L;

    SshFailure(String message) {
      super(message);
    }
  }
}
