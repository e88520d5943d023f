package io.consulwatchdog.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Loads the PEM files a {@link TlsConfig} names into the JDK's key and trust managers, with Bouncy Castle's
 * PEM parser: certificates, and private keys in PKCS#8, SEC1 (EC, as `consul tls cert create` writes them)
 * or PKCS#1 (RSA) form. Encrypted keys are refused with a clear message.
 */
public final class TlsFiles {
  private static final char[] NO_PASSWORD = new char[0];

  private TlsFiles() {}

  /**
   * The key and trust managers for a TLS setting.
   *
   * @param keyManagers the client certificate and key, empty when none is configured
   * @param trustManager the CA file's certificates, or the platform's trust store when no CA file is set
   */
  public record Material(KeyManager[] keyManagers, X509TrustManager trustManager) {}

  /** Loads the files; throws IllegalArgumentException naming the file and the problem. */
  public static Material load(TlsConfig tls) {
    try {
      X509TrustManager trust = trustManager(tls.caFile());
      KeyManager[] keys = new KeyManager[0];
      if (tls.certFile().isPresent() && tls.keyFile().isPresent()) {
        keys = keyManagers(tls.certFile().get(), tls.keyFile().get());
      }
      return new Material(keys, trust);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the TLS files: " + e.getMessage(), e);
    }
  }

  private static X509TrustManager trustManager(Optional<Path> caFile) throws GeneralSecurityException {
    KeyStore store = null;
    if (caFile.isPresent()) {
      List<X509Certificate> cas = certificates(caFile.get());
      store = emptyStore();
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager m : factory.getTrustManagers()) {
      if (m instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager available");
  }

  private static KeyManager[] keyManagers(Path certFile, Path keyFile) throws GeneralSecurityException {
    List<X509Certificate> chain = certificates(certFile);
    PrivateKey key = privateKey(keyFile);
    KeyStore store = emptyStore();
    store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, NO_PASSWORD);
    return factory.getKeyManagers();
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, NO_PASSWORD);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return store;
  }

  /** Every certificate in a PEM file, in file order; at least one. */
  static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> out = new ArrayList<>();
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    for (Object o : pemObjects(file)) {
      if (o instanceof X509CertificateHolder holder) {
        try {
          out.add(converter.getCertificate(holder));
        } catch (GeneralSecurityException e) {
          throw new IllegalArgumentException(file + ": unreadable certificate: " + e.getMessage(), e);
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in the file");
    }
    return out;
  }

  /** The first private key in a PEM file: PKCS#8, SEC1 EC or PKCS#1 RSA. */
  static PrivateKey privateKey(Path file) {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    for (Object o : pemObjects(file)) {
      try {
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException(file + ": unreadable private key: " + e.getMessage(), e);
      }
      if (o != null && o.getClass().getSimpleName().contains("Encrypted")) {
        throw new IllegalArgumentException(file + ": the private key is encrypted; give the watchdog an "
            + "unencrypted key readable only by its user");
      }
    }
    throw new IllegalArgumentException(file + ": no PEM private key (-----BEGIN ... PRIVATE KEY-----) in the file");
  }

  private static List<Object> pemObjects(Path file) {
    List<Object> out = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (int i = 0; i < 1000; i++) {
        Object o = parser.readObject();
        if (o == null) {
          return out;
        }
        out.add(o);
      }
      return out;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(file + ": not a readable PEM file: " + e.getMessage(), e);
    }
  }
}
