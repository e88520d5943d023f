package io.consulwatchdog.execute;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Strict host key checking for the shared SSH client: each connection carries its {@link HostKeyPolicy}
 * in its connection context; an unknown or changed key is refused and the reason, naming host:port and
 * the key's SHA256 fingerprint, is left on the session for the executor's error message.
 */
final class KnownHostsVerifier implements ServerKeyVerifier {
  /** Connection-context attribute holding the target's policy. */
  static final AttributeKey<HostKeyPolicy> POLICY = new AttributeKey<>();
  /** Connection-context attribute receiving why the host key was refused (the session's own attributes are
   * cleared when it closes, this holder is not). */
  static final AttributeKey<AtomicReference<String>> REFUSAL = new AttributeKey<>();

  private static final Logger LOG = LoggerFactory.getLogger(KnownHostsVerifier.class);

  @Override
  public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
    AttributeRepository context = session.getConnectionContext();
    HostKeyPolicy policy = context == null ? null : context.getAttribute(POLICY);
    if (policy == null) {
      return refuse(session, "no host key policy for " + remoteAddress + "; refusing");
    }
    String fingerprint = KeyUtils.getFingerPrint(BuiltinDigests.sha256, serverKey);
    String keyType = KeyUtils.getKeyType(serverKey);
    String offered = keyType + " key " + fingerprint;
    synchronized (this) {
      List<KnownHostEntry> entries;
      try {
        entries = Files.exists(policy.knownHostsFile())
            ? KnownHostEntry.readKnownHostEntries(policy.knownHostsFile())
            : List.of();
      } catch (IOException | RuntimeException e) {
        return refuse(session, "host key of " + policy.where() + " (" + offered + ") not checked: cannot read "
            + policy.knownHostsFile() + ": " + Timing.oneLine(e.getMessage()));
      }
      List<String> others = new ArrayList<>();
      for (KnownHostEntry entry : entries) {
        if (!entry.isHostMatch(policy.host(), policy.port())) {
          continue;
        }
        PublicKey known = resolve(entry);
        if (known == null) {
          continue;
        }
        boolean same = KeyUtils.compareKeys(known, serverKey);
        if ("revoked".equals(entry.getMarker())) {
          if (same) {
            return refuse(session, "host key of " + policy.where() + " (" + offered + ") is marked @revoked in "
                + policy.knownHostsFile());
          }
          continue;
        }
        if (entry.getMarker() != null) {
          continue; // @cert-authority entries are not used
        }
        if (same) {
          return true;
        }
        others.add(KeyUtils.getKeyType(known) + " " + KeyUtils.getFingerPrint(BuiltinDigests.sha256, known));
      }
      if (!others.isEmpty()) {
        return refuse(session, "HOST KEY CHANGED for " + policy.where() + ": server offered " + offered + " but "
            + policy.knownHostsFile() + " has " + String.join(", ", others)
            + "; refusing to connect (possible man-in-the-middle; if the host was rebuilt, replace its line)");
      }
      if (!policy.trustOnFirstUse()) {
        return refuse(session, "unknown host key for " + policy.where() + ": " + offered + " is not in "
            + policy.knownHostsFile() + "; refusing to connect (add it, e.g. ssh-keyscan -p " + policy.port() + " "
            + policy.host() + ", after checking the fingerprint, or enable trust_on_first_use)");
      }
      return trust(session, policy, serverKey, offered);
    }
  }

  private boolean trust(ClientSession session, HostKeyPolicy policy, PublicKey key, String offered) {
    try {
      String line = policy.knownHostsPattern() + " " + PublicKeyEntry.toString(key) + "\n";
      if (policy.knownHostsFile().getParent() != null) {
        Files.createDirectories(policy.knownHostsFile().getParent());
      }
      if (!Files.exists(policy.knownHostsFile())) {
        Files.createFile(policy.knownHostsFile(),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(policy.knownHostsFile(), line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      return refuse(session, "trust on first use for " + policy.where() + " (" + offered + ") failed: cannot append to "
          + policy.knownHostsFile() + ": " + Timing.oneLine(e.getMessage()));
    }
    LOG.warn("TRUST ON FIRST USE: accepted UNVERIFIED host key {} for {} and appended it to {}. Verify this "
        + "fingerprint out of band; turn trust_on_first_use off once known_hosts is filled.", offered,
        policy.where(), policy.knownHostsFile());
    return true;
  }

  private static PublicKey resolve(KnownHostEntry entry) {
    try {
      return entry.getKeyEntry() == null ? null : entry.getKeyEntry().resolvePublicKey(null,
          PublicKeyEntryResolver.IGNORING);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  private static boolean refuse(ClientSession session, String reason) {
    AttributeRepository context = session.getConnectionContext();
    AtomicReference<String> holder = context == null ? null : context.getAttribute(REFUSAL);
    if (holder != null) {
      holder.set(reason);
    }
    LOG.error("SSH host key refused: {}", reason);
    return false;
  }
}
