package io.consulwatchdog.consul;

import java.io.IOException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Turns the private-key PEM formats operators have (Consul's own `consul tls cert create` writes
 * SEC1 "EC PRIVATE KEY"; OpenSSL often writes PKCS#1 "RSA PRIVATE KEY") into PKCS#8 "PRIVATE KEY".
 */
public final class PemPrivateKeys {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

  private PemPrivateKeys() {}

  /** Returns the key as a PKCS#8 PEM block; fails with a message naming the format it found. */
  public static String toPkcs8(String pem) {
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      String type = m.group(1);
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      try {
        switch (type) {
          case "PRIVATE KEY" -> {
            return m.group(0);
          }
          case "EC PRIVATE KEY" -> {
            ECPrivateKey ec = ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
            if (ec.getParametersObject() == null) {
              throw new IllegalArgumentException("EC PRIVATE KEY without curve parameters");
            }
            ASN1ObjectIdentifier curve = ASN1ObjectIdentifier.getInstance(ec.getParametersObject());
            return pem(new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec));
          }
          case "RSA PRIVATE KEY" -> {
            RSAPrivateKey rsa = RSAPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
            return pem(new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE), rsa));
          }
          default -> {
            // certificates and other blocks in the same file are skipped
          }
        }
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("cannot read the " + type + " block: " + e.getMessage(), e);
      }
    }
    throw new IllegalArgumentException(
        "no PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY block (encrypted keys are not supported)");
  }

  private static String pem(PrivateKeyInfo info) throws IOException {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .encodeToString(info.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n";
  }
}
