package io.consulwatchdog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final String MINIMAL = """
      clusters:
        - name: dc1
          servers:
            - name: s1
              http_address: http://127.0.0.1:8500
      """;

  private Path write(String yaml) throws IOException {
    Path f = dir.resolve("config.yml");
    Files.writeString(f, yaml);
    return f;
  }

  private WatchdogConfig load(String yaml) throws IOException {
    return new ConfigLoader(Map.of("TOKEN", "s3cr3t-value")::get).load(write(yaml));
  }

  @Test
  void minimalConfigGetsSafeDefaults() throws IOException {
    WatchdogConfig c = load(MINIMAL);
    assertThat(c.listenAddress()).isEqualTo("127.0.0.1:9464");
    assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/consul-watchdog"));
    ClusterConfig dc1 = c.clusters().get(0);
    assertThat(dc1.pollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(dc1.recovery().mode()).isEqualTo(RecoveryMode.DETECT_ONLY);
    assertThat(dc1.recovery().strategies()).containsExactly("restart-down-servers");
    assertThat(dc1.servers().get(0).executor()).isInstanceOf(NoExecutorConfig.class);
    assertThat(dc1.tls().skipVerify()).isFalse();
  }

  @Test
  void unknownKeyIsAnErrorNamingFileAndField() throws IOException {
    Path f = write(MINIMAL.replace("    servers:", "    pol_interval: 5s\n    servers:"));
    assertThatThrownBy(() -> new ConfigLoader().load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": clusters[0].pol_interval: unknown key")
        .hasMessageContaining("poll_interval");
  }

  @Test
  void badDurationNamesFieldAndValue() throws IOException {
    assertThatThrownBy(() -> load(MINIMAL.replace("    servers:", "    poll_interval: 5 seconds\n    servers:")))
        .hasMessageContaining("clusters[0].poll_interval: must be a duration like 500ms, 5s, 2m or 1h (got \"5 seconds\")");
  }

  @Test
  void badAddressNamesServerField() throws IOException {
    assertThatThrownBy(() -> load(MINIMAL.replace("http://127.0.0.1:8500", "127.0.0.1:8500")))
        .hasMessageContaining("clusters[0].servers[0].http_address: must be http://HOST:PORT")
        .hasMessageContaining("(got \"127.0.0.1:8500\")");
  }

  @Test
  void tokenComesFromEnvironmentAndIsMaskedWhenPrinted() throws IOException {
    WatchdogConfig c = load(MINIMAL.replace("    servers:", "    acl_token: {env: TOKEN}\n    servers:"));
    Secret token = c.clusters().get(0).aclToken().orElseThrow();
    assertThat(token.value()).isEqualTo("s3cr3t-value");
    assertThat(token.toString()).doesNotContain("s3cr3t").contains("env:TOKEN");
    assertThat(c.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void tokenFromMissingEnvironmentVariableIsAnError() throws IOException {
    assertThatThrownBy(() -> load(MINIMAL.replace("    servers:", "    acl_token: {env: NOPE}\n    servers:")))
        .hasMessageContaining("clusters[0].acl_token.env: names an environment variable that is not set or empty (got \"NOPE\")");
  }

  @Test
  void inlineTokenIsRefused() throws IOException {
    assertThatThrownBy(() -> load(MINIMAL.replace("    servers:", "    acl_token: {value: abc}\n    servers:")))
        .hasMessageContaining("clusters[0].acl_token.value: unknown key");
  }

  @Test
  void tokenFromFileIsTrimmed() throws IOException {
    Path token = dir.resolve("token");
    Files.writeString(token, "abc-123\n");
    WatchdogConfig c = load(MINIMAL.replace("    servers:", "    acl_token: {file: " + token + "}\n    servers:"));
    assertThat(c.clusters().get(0).aclToken().orElseThrow().value()).isEqualTo("abc-123");
  }

  @Test
  void autoModeNeedsAnExecutorOnEveryServer() throws IOException {
    assertThatThrownBy(() -> load(MINIMAL + "    recovery: {mode: auto}\n"))
        .hasMessageContaining("clusters[0].servers[0].executor: is required when recovery.mode is auto (server s1 has none)");
  }

  @Test
  void peersJsonNeedsDataDir() throws IOException {
    String yaml = MINIMAL.replace("http_address: http://127.0.0.1:8500",
        "http_address: http://127.0.0.1:8500\n        executor: {type: local, stop: [/bin/true], start: [/bin/true]}")
        + "    recovery: {mode: auto, strategies: [restart-down-servers, peers-json]}\n";
    assertThatThrownBy(() -> load(yaml)).hasMessageContaining("clusters[0].servers[0].data_dir: is required by the peers-json strategy");
  }

  @Test
  void unknownStrategyAndModeAreNamed() throws IOException {
    assertThatThrownBy(() -> load(MINIMAL + "    recovery: {strategies: [reboot-everything]}\n"))
        .hasMessageContaining("clusters[0].recovery.strategies[0]: must be one of restart-down-servers, peers-json, bootstrap-expect (got \"reboot-everything\")");
    assertThatThrownBy(() -> load(MINIMAL + "    recovery: {mode: yolo}\n"))
        .hasMessageContaining("clusters[0].recovery.mode: must be one of detect-only, dry-run, auto (got \"yolo\")");
  }

  @Test
  void executorDefaultsMergeUnderServerExecutor() throws IOException {
    String yaml = """
        clusters:
          - name: dc1
            executor_defaults: {type: local, stop: [ctl, stop], start: [ctl, start]}
            servers:
              - name: s1
                http_address: http://127.0.0.1:8500
              - name: s2
                http_address: http://127.0.0.2:8500
                executor: {start: [other, start]}
        """;
    WatchdogConfig c = load(yaml);
    LocalExecutorConfig s1 = (LocalExecutorConfig) c.clusters().get(0).servers().get(0).executor();
    LocalExecutorConfig s2 = (LocalExecutorConfig) c.clusters().get(0).servers().get(1).executor();
    assertThat(s1.start()).containsExactly("ctl", "start");
    assertThat(s2.start()).containsExactly("other", "start");
    assertThat(s2.stop()).containsExactly("ctl", "stop");
  }

  @Test
  void duplicateServerNamesAndClusterNamesAreErrors() throws IOException {
    String dupServer = MINIMAL + "      - name: s1\n        http_address: http://127.0.0.2:8500\n";
    assertThatThrownBy(() -> load(dupServer)).hasMessageContaining("clusters[0].servers[1].name: is used by another agent of this cluster (got \"s1\")");
  }

  @Test
  void yamlSyntaxErrorNamesFileAndLine() throws IOException {
    Path f = write("clusters:\n  - name: [unclosed\n");
    assertThatThrownBy(() -> new ConfigLoader().load(f)).hasMessageStartingWith(f + ": not valid YAML").hasMessageContaining("line");
  }

  @Test
  void missingFileIsReportedAsMissing() {
    assertThatThrownBy(() -> new ConfigLoader().load(dir.resolve("nope.yml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.missingFile()).isTrue());
  }

  @Test
  void sshExecutorRequiresKnownHostsUnlessTrustOnFirstUse() throws IOException {
    Path key = dir.resolve("id");
    Files.writeString(key, "k");
    String yaml = MINIMAL.replace("http_address: http://127.0.0.1:8500",
        "http_address: http://127.0.0.1:8500\n        executor: {type: ssh, user: w, identity_file: " + key
            + ", known_hosts_file: " + dir.resolve("missing_known_hosts") + "}");
    assertThatThrownBy(() -> load(yaml)).hasMessageContaining("executor.known_hosts_file: must be a readable known_hosts file");
    WatchdogConfig tofu = load(yaml.replace("}", ", trust_on_first_use: true}"));
    SshExecutorConfig ssh = (SshExecutorConfig) tofu.clusters().get(0).servers().get(0).executor();
    assertThat(ssh.host()).isEqualTo("127.0.0.1");
    assertThat(ssh.port()).isEqualTo(22);
    assertThat(ssh.stop()).containsExactly("sudo", "-n", "systemctl", "stop", "consul");
  }

  @Test
  void shippedExampleIsValidOnceItsFilesExist() throws IOException {
    String example = Files.readString(Path.of("config/consul-watchdog.example.yml"));
    Path token = dir.resolve("token");
    Path key = dir.resolve("id_ed25519");
    Path known = dir.resolve("known_hosts");
    Files.writeString(token, "t");
    Files.writeString(key, "k");
    Files.writeString(known, "");
    WatchdogConfig c = load(example.replace("/etc/consul-watchdog/token", token.toString())
        .replace("/etc/consul-watchdog/id_ed25519", key.toString())
        .replace("/etc/consul-watchdog/known_hosts", known.toString()));
    assertThat(c.clusters()).hasSize(1);
    assertThat(c.clusters().get(0).servers()).hasSize(3);
    assertThat(c.clusters().get(0).servers().get(2).executor()).isInstanceOf(SystemdExecutorConfig.class);
  }

  @Test
  void durationsParseAndFormat() {
    assertThat(Durations.parse("1m30s")).contains(Duration.ofSeconds(90));
    assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
    assertThat(Durations.parse("5")).isEmpty();
    assertThat(Durations.parse("s")).isEmpty();
    assertThat(Durations.format(Duration.ofMinutes(10))).isEqualTo("10m");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }
}
