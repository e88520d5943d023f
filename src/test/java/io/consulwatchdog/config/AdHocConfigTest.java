package io.consulwatchdog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ad-hoc `check` configs: flags first, then the variables Consul's own CLI reads. */
class AdHocConfigTest {
  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();
  private Path ca;
  private Path cert;
  private Path key;

  @BeforeEach
  void certificates() throws Exception {
    KeyPair authority = ecPair();
    KeyPair client = ecPair();
    ca = pem("ca.pem", selfSigned(authority, "test CA"));
    cert = pem("client.pem", selfSigned(client, "watchdog"));
    key = pem("client-key.pem", new JcaPKCS8Generator(client.getPrivate(), null));
  }

  private Path pem(String name, Object object) throws IOException {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      writer.writeObject(object);
    }
    return Files.writeString(dir.resolve(name), text.toString());
  }

  private static KeyPair ecPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate selfSigned(KeyPair pair, String commonName) throws Exception {
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
        Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic())
        .build(signer));
  }

  private ClusterConfig adHoc(List<String> servers) {
    return adHoc(AdHocRequest.of(servers, Duration.ofSeconds(3)));
  }

  private ClusterConfig adHoc(AdHocRequest request) {
    WatchdogConfig config = new ConfigLoader(env::get).adHoc(request, dir);
    assertThat(config.clusters()).hasSize(1);
    return config.clusters().get(0);
  }

  @Test
  void consulHttpAddrNamesTheServerWhenNoServerIsGiven() {
    assertThat(new ConfigLoader(env::get).environmentNamesAServer()).isFalse();
    env.put("CONSUL_HTTP_ADDR", "127.0.0.1:8500");
    assertThat(new ConfigLoader(env::get).environmentNamesAServer()).isTrue();
    assertThat(adHoc(List.of()).servers()).extracting(ServerConfig::httpAddress)
        .containsExactly(URI.create("http://127.0.0.1:8500"));

    env.put("CONSUL_HTTP_SSL", "true");
    assertThat(adHoc(List.of()).servers().get(0).httpAddress()).isEqualTo(URI.create("https://127.0.0.1:8500"));
    env.put("CONSUL_HTTP_ADDR", "http://127.0.0.2:8500");
    assertThat(adHoc(List.of()).servers().get(0).httpAddress()).isEqualTo(URI.create("http://127.0.0.2:8500"));

    assertThat(adHoc(List.of("http://127.0.0.3:8500")).servers()).extracting(ServerConfig::httpAddress)
        .as("--server wins").containsExactly(URI.create("http://127.0.0.3:8500"));
  }

  @Test
  void badOrMissingAddressesNameTheirSource() {
    assertThatThrownBy(() -> adHoc(List.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("--server: give at least one server address, or set CONSUL_HTTP_ADDR");
    env.put("CONSUL_HTTP_ADDR", "unix:///var/run/consul.sock");
    assertThatThrownBy(() -> adHoc(List.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("CONSUL_HTTP_ADDR: must be http://HOST:PORT or https://HOST:PORT")
        .hasMessageContaining("unix:///var/run/consul.sock");
    env.put("CONSUL_HTTP_ADDR", "127.0.0.1:8500");
    env.put("CONSUL_HTTP_SSL", "yes");
    assertThatThrownBy(() -> adHoc(List.of())).hasMessageContaining("CONSUL_HTTP_SSL: must be true or false (got \"yes\")");
  }

  @Test
  void tokenComesFromTheTokenFileBeforeTheTokenVariableAsInConsul() throws IOException {
    assertThat(adHoc(List.of("http://127.0.0.1:8500")).aclToken()).isEmpty();
    env.put("CONSUL_HTTP_TOKEN", "token-from-variable");
    assertThat(adHoc(List.of("http://127.0.0.1:8500")).aclToken()).map(Secret::value).contains("token-from-variable");

    Path tokenFile = Files.writeString(dir.resolve("token"), "token-from-file\n");
    env.put("CONSUL_HTTP_TOKEN_FILE", tokenFile.toString());
    Optional<Secret> token = adHoc(List.of("http://127.0.0.1:8500")).aclToken();
    assertThat(token).map(Secret::value).contains("token-from-file");
    assertThat(token.orElseThrow().toString()).doesNotContain("token-from-file");

    env.put("CONSUL_HTTP_TOKEN_FILE", dir.resolve("missing-token").toString());
    assertThatThrownBy(() -> adHoc(List.of("http://127.0.0.1:8500")))
        .hasMessageContaining("CONSUL_HTTP_TOKEN_FILE: must be a readable file").hasMessageContaining("missing-token");
    env.put("CONSUL_HTTP_TOKEN_FILE", Files.writeString(dir.resolve("empty"), " \n").toString());
    assertThatThrownBy(() -> adHoc(List.of("http://127.0.0.1:8500")))
        .hasMessageContaining("CONSUL_HTTP_TOKEN_FILE: the token file is empty");
  }

  @Test
  void tlsFilesComeFromFlagsElseConsulVariables() throws IOException {
    env.put("CONSUL_CACERT", ca.toString());
    env.put("CONSUL_CLIENT_CERT", cert.toString());
    env.put("CONSUL_CLIENT_KEY", key.toString());
    TlsConfig fromVariables = adHoc(List.of("https://127.0.0.1:8501")).tls();
    assertThat(fromVariables).isEqualTo(new TlsConfig(Optional.of(ca), Optional.of(cert), Optional.of(key), false));

    Path otherCa = Files.copy(ca, dir.resolve("other-ca.pem"));
    TlsConfig fromFlag = adHoc(new AdHocRequest(List.of("https://127.0.0.1:8501"), Duration.ofSeconds(3),
        Optional.of(otherCa.toString()), Optional.empty(), Optional.empty())).tls();
    assertThat(fromFlag.caFile()).contains(otherCa);
    assertThat(fromFlag.certFile()).contains(cert);
  }

  @Test
  void sslVerifyFalseSkipsVerificationAndAnythingElseIsAnError() {
    env.put("CONSUL_HTTP_SSL_VERIFY", "false");
    assertThat(adHoc(List.of("https://127.0.0.1:8501")).tls().skipVerify()).isTrue();
    env.put("CONSUL_HTTP_SSL_VERIFY", "1");
    assertThat(adHoc(List.of("https://127.0.0.1:8501")).tls().skipVerify()).isFalse();
    env.put("CONSUL_HTTP_SSL_VERIFY", "off");
    assertThatThrownBy(() -> adHoc(List.of("https://127.0.0.1:8501")))
        .hasMessageContaining("CONSUL_HTTP_SSL_VERIFY: must be true or false (got \"off\")");
  }

  @Test
  void badTlsSettingsNameTheFlagOrVariable() throws IOException {
    env.put("CONSUL_CLIENT_CERT", cert.toString());
    assertThatThrownBy(() -> adHoc(List.of("https://127.0.0.1:8501")))
        .hasMessageContaining("CONSUL_CLIENT_CERT: a client certificate needs both");
    env.put("CONSUL_CLIENT_KEY", dir.resolve("missing-key.pem").toString());
    assertThatThrownBy(() -> adHoc(List.of("https://127.0.0.1:8501")))
        .hasMessageContaining("CONSUL_CLIENT_KEY: must be a readable file").hasMessageContaining("missing-key.pem");
    Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
    assertThatThrownBy(() -> adHoc(new AdHocRequest(List.of("https://127.0.0.1:8501"), Duration.ofSeconds(3),
        Optional.of(notPem.toString()), Optional.of(cert.toString()), Optional.of(key.toString()))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("--cert-file: ");
  }
}
