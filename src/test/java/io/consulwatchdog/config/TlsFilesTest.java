package io.consulwatchdog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Private keys in the forms Consul's and OpenSSL's tools write, read with Bouncy Castle's PEM parser. */
class TlsFilesTest {
  @TempDir Path dir;

  private Path pem(String name, Object object) throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    Path file = dir.resolve(name);
    Files.writeString(file, text.toString());
    return file;
  }

  /** An "EC PRIVATE KEY" (SEC1) with its curve named inside, as OpenSSL and `consul tls cert create` write it. */
  private Path sec1(KeyPair ec) throws Exception {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(ec.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(
        info.parsePrivateKey());
    ECPrivateKey withCurve = new ECPrivateKey(256, inner.getKey(),
        info.getPrivateKeyAlgorithm().getParameters());
    return pem("ec.pem", new PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
  }

  private static BigInteger scalar(PrivateKey key) throws Exception {
    return ECPrivateKey.getInstance(PrivateKeyInfo.getInstance(key.getEncoded()).parsePrivateKey()).getKey();
  }

  private static KeyPair pair(String algorithm) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
    g.initialize(algorithm.equals("EC") ? 256 : 2048);
    return g.generateKeyPair();
  }

  @Test
  void readsSec1EcPkcs1RsaAndPkcs8Keys() throws Exception {
    KeyPair ec = pair("EC");
    Path sec1 = sec1(ec);
    assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(scalar(TlsFiles.privateKey(sec1))).isEqualTo(scalar(ec.getPrivate()));

    KeyPair rsa = pair("RSA");
    Path pkcs1 = pem("rsa.pem", rsa);
    assertThat(Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    PrivateKey readRsa = TlsFiles.privateKey(pkcs1);
    assertThat(readRsa.getAlgorithm()).isEqualTo("RSA");

    Path pkcs8 = pem("pkcs8.pem", new JcaPKCS8Generator(ec.getPrivate(), null));
    assertThat(Files.readString(pkcs8)).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(scalar(TlsFiles.privateKey(pkcs8))).isEqualTo(scalar(ec.getPrivate()));
  }

  @Test
  void anEncryptedKeyOrAFileWithoutKeyIsAClearError() throws Exception {
    OutputEncryptor encryptor = new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
        .setPassword("secret".toCharArray()).build();
    Path encrypted = pem("enc.pem", new JcaPKCS8Generator(pair("EC").getPrivate(), encryptor));
    assertThatThrownBy(() -> TlsFiles.privateKey(encrypted)).hasMessageContaining("enc.pem")
        .hasMessageContaining("encrypted");
    Path notPem = dir.resolve("junk.pem");
    Files.writeString(notPem, "hello\n");
    assertThatThrownBy(() -> TlsFiles.privateKey(notPem)).hasMessageContaining("junk.pem: no PEM private key");
    assertThatThrownBy(() -> TlsFiles.certificates(notPem)).hasMessageContaining("junk.pem: no PEM certificate");
  }
}
