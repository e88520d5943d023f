package io.consulwatchdog.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
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
    assertThatThrownBy(() -> load(dupServer)).hasMessageContaining("clusters[0].servers[1].name: is also the name of clusters[0].servers[0] (got \"s1\")");
  }

  @Test
  void aClientMayNotReuseTheNameOrAddressOfAServer() throws IOException {
    String sameName = MINIMAL + "    clients:\n      - name: s1\n        http_address: http://127.0.0.9:8500\n";
    assertThatThrownBy(() -> load(sameName)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("clusters[0].clients[0].name: is also the name of clusters[0].servers[0] (got \"s1\")");
    String sameAddress = MINIMAL + "    clients:\n      - name: c1\n        http_address: http://127.0.0.1:8500\n";
    assertThatThrownBy(() -> load(sameAddress)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("clusters[0].clients[0].http_address: is also the address of clusters[0].servers[0]"
            + " (got \"http://127.0.0.1:8500\")");
    String sameHostAndPortOverHttps = MINIMAL + "      - name: s2\n        http_address: https://127.0.0.1:8500\n";
    assertThatThrownBy(() -> load(sameHostAndPortOverHttps))
        .hasMessageContaining("clusters[0].servers[1].http_address: is also the address of clusters[0].servers[0]");
  }

  @Test
  void overflowingDurationsNameTheFieldInsteadOfCrashing() throws IOException {
    for (String huge : new String[] {"999999999999h", "9999999999999999h", "99999999999999999999h",
        "2562047788015h2562047788015h", "9223372036854775807ms"}) {
      assertThatThrownBy(() -> load(MINIMAL.replace("    servers:", "    poll_interval: " + huge + "\n    servers:")))
          .as(huge).isInstanceOf(ConfigException.class)
          .hasMessageContaining("clusters[0].poll_interval: must be between 200ms and 1h (got \"" + huge + "\")");
    }
    assertThat(Durations.parse("9999999999999999h")).as("more milliseconds than a long holds").isEmpty();
    assertThat(Durations.parse("99999999999999999999h")).as("more hours than a long holds").isEmpty();
    assertThat(Durations.parse("2562047788015h2562047788015h")).as("a sum that overflows").isEmpty();
  }

  @Test
  void aFileThatIsNotUtf8IsAConfigErrorNamingTheByteOffset() throws IOException {
    Path f = dir.resolve("latin1.yml");
    byte[] head = "clusters:\n  - name: dc1 # caf".getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = Arrays.copyOf(head, head.length + 2);
    bytes[head.length] = (byte) 0xe9; // 'é' in ISO-8859-1
    bytes[head.length + 1] = '\n';
    Files.write(f, bytes);
    assertThatThrownBy(() -> new ConfigLoader().load(f))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.missingFile()).isFalse())
        .hasMessage(f + ": not valid UTF-8 at byte " + head.length + " (line 2); save the file as UTF-8");
  }

  @Test
  void leaderlessAfterBelowTwoElectionTimeoutsIsRefusedWithTheReason() throws IOException {
    String yaml = MINIMAL.replace("    servers:", "    recovery: {leaderless_after: 1500ms}\n    servers:");
    assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("clusters[0].recovery.leaderless_after: must be at least 2s")
        .hasMessageContaining("election timeout")
        .hasMessageContaining("(got \"1500ms\")");
    assertThat(load(yaml.replace("1500ms", "2s")).clusters().get(0).recovery().leaderlessAfter())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(load(yaml.replace("1500ms", "3s")).clusters().get(0).recovery().leaderlessAfter())
        .isEqualTo(Duration.ofSeconds(3));
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
  void sshFileCommandsRunAsTheFileOwnerConsulByDefault() throws IOException {
    Path key = dir.resolve("id");
    Files.writeString(key, "k");
    String yaml = MINIMAL.replace("http_address: http://127.0.0.1:8500",
        "http_address: http://127.0.0.1:8500\n        executor: {type: ssh, user: w, identity_file: " + key
            + ", trust_on_first_use: true}");
    SshExecutorConfig byDefault = (SshExecutorConfig) load(yaml).clusters().get(0).servers().get(0).executor();
    assertThat(byDefault.fileCommandPrefix()).containsExactly("sudo", "-n");
    assertThat(byDefault.fileOwner()).isEqualTo("consul");
    SshExecutorConfig other = (SshExecutorConfig) load(yaml.replace("}", ", file_owner: consul_data}"))
        .clusters().get(0).servers().get(0).executor();
    assertThat(other.fileOwner()).isEqualTo("consul_data");
    SshExecutorConfig loginUser = (SshExecutorConfig) load(yaml.replace("}", ", file_command_prefix: []}"))
        .clusters().get(0).servers().get(0).executor();
    assertThat(loginUser.fileOwner()).isEmpty();
    assertThatThrownBy(() -> load(yaml.replace("}", ", file_command_prefix: [], file_owner: consul}")))
        .hasMessageContaining("executor.file_owner: needs a file_command_prefix such as [sudo, -n]")
        .hasMessageContaining("consul");
    assertThatThrownBy(() -> load(yaml.replace("}", ", file_owner: 'root; rm'}")))
        .hasMessageContaining("executor.file_owner: must be a user name such as consul").hasMessageContaining("root; rm");
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

  private static final String REFERENCES_MISSING_FILES = """
      clusters:
        - name: dc1
          acl_token: {file: /nonexistent/consul-watchdog/token}
          tls:
            ca_file: /nonexistent/consul-watchdog/ca.pem
            cert_file: /nonexistent/consul-watchdog/client.pem
            key_file: /nonexistent/consul-watchdog/client-key.pem
          executor_defaults:
            type: ssh
            user: consul-watchdog
            identity_file: /nonexistent/consul-watchdog/id_ed25519
            known_hosts_file: /nonexistent/consul-watchdog/known_hosts
          servers:
            - name: s1
              http_address: https://127.0.0.1:8501
        - name: dc2
          acl_token: {env: CONSUL_WATCHDOG_TEST_UNSET_VARIABLE}
          servers:
            - name: s1
              http_address: http://127.0.0.1:8500
      """;

  @Test
  void syntaxOnlyDoesNotOpenReferencedFilesNorReadVariables() throws IOException {
    Path f = write(REFERENCES_MISSING_FILES);
    assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get).load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("clusters[0].acl_token.file: must be a readable file")
        .hasMessageContaining("/nonexistent/consul-watchdog/token");

    WatchdogConfig c = new ConfigLoader(Map.<String, String>of()::get).syntaxOnly().load(f);

    ClusterConfig dc1 = c.clusters().get(0);
    assertThat(dc1.aclToken()).hasValueSatisfying(t -> assertThat(t.source()).isEqualTo("file:/nonexistent/consul-watchdog/token"));
    assertThat(dc1.tls().caFile()).contains(Path.of("/nonexistent/consul-watchdog/ca.pem"));
    assertThat(dc1.servers().get(0).executor()).isInstanceOf(SshExecutorConfig.class);
    assertThat(c.clusters().get(1).aclToken())
        .hasValueSatisfying(t -> assertThat(t.source()).isEqualTo("env:CONSUL_WATCHDOG_TEST_UNSET_VARIABLE"));
  }

  @Test
  void syntaxOnlyStillRejectsBadKeysAndValues() throws IOException {
    ConfigLoader syntaxOnly = new ConfigLoader().syntaxOnly();
    Path badDuration = write(REFERENCES_MISSING_FILES.replace("    servers:", "    poll_interval: 5 seconds\n    servers:"));
    assertThatThrownBy(() -> syntaxOnly.load(badDuration)).hasMessageContaining("clusters[0].poll_interval");
    Path unknownKey = write(REFERENCES_MISSING_FILES.replace("ca_file:", "ca_fil:"));
    assertThatThrownBy(() -> syntaxOnly.load(unknownKey)).hasMessageContaining("clusters[0].tls.ca_fil: unknown key");
    Path halfCertificate = write(REFERENCES_MISSING_FILES.replace("      key_file: /nonexistent/consul-watchdog/client-key.pem\n", ""));
    assertThatThrownBy(() -> syntaxOnly.load(halfCertificate)).hasMessageContaining("cert_file and key_file go together");
  }

  private static final String WINDOWS = """
      clusters:
        - name: dc1
          maintenance_windows:
            - cron: "0 0 2 ? * SUN"
              duration: 2h
              time_zone: Europe/Berlin
              reason: kernel patching
            - cron: "0 30 12 * * ?"
              duration: 15m
          servers:
            - name: s1
              http_address: http://127.0.0.1:8500
      """;

  @Test
  void maintenanceWindowsAreParsedWithTheirZoneAndReason() throws IOException {
    ClusterConfig dc1 = load(WINDOWS).clusters().get(0);
    assertThat(dc1.maintenanceWindows()).hasSize(2);
    MaintenanceWindow patching = dc1.maintenanceWindows().get(0);
    assertThat(patching.cron()).isEqualTo("0 0 2 ? * SUN");
    assertThat(patching.duration()).isEqualTo(Duration.ofHours(2));
    assertThat(patching.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(patching.reason()).isEqualTo("kernel patching");
    MaintenanceWindow lunch = dc1.maintenanceWindows().get(1);
    assertThat(lunch.timeZone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(lunch.reason()).isEqualTo("maintenance window");
    assertThat(load(MINIMAL).clusters().get(0).maintenanceWindows()).isEmpty();
  }

  @Test
  void aCronExpressionQuartzRefusesIsAConfigErrorNamingTheFieldAndTheValue() throws IOException {
    // both day-of-month and day-of-week given: Quartz refuses it (one of them must be "?")
    assertThatThrownBy(() -> load(WINDOWS.replace("0 0 2 ? * SUN", "0 0 2 * * SUN")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("clusters[0].maintenance_windows[0].cron: must be a Quartz cron expression")
        .hasMessageContaining("(got \"0 0 2 * * SUN\")");
    // a Unix cron line (five fields, no seconds) is not a Quartz expression
    assertThatThrownBy(() -> load(WINDOWS.replace("0 0 2 ? * SUN", "0 2 * * 0")))
        .hasMessageContaining("clusters[0].maintenance_windows[0].cron: must be a Quartz cron expression")
        .hasMessageContaining("(got \"0 2 * * 0\")");
  }

  @Test
  void aWindowWithoutDurationOrWithAnUnknownZoneIsAConfigError() throws IOException {
    assertThatThrownBy(() -> load(WINDOWS.replace("        duration: 2h\n", "")))
        .hasMessageContaining("clusters[0].maintenance_windows[0].duration: is required");
    assertThatThrownBy(() -> load(WINDOWS.replace("Europe/Berlin", "Mars/Olympus")))
        .hasMessageContaining("clusters[0].maintenance_windows[0].time_zone: must be a time zone such as UTC or Europe/Berlin")
        .hasMessageContaining("(got \"Mars/Olympus\")");
    assertThatThrownBy(() -> load(WINDOWS.replace("duration: 15m", "duration: 15m\n        mode: auto")))
        .hasMessageContaining("clusters[0].maintenance_windows[1].mode: unknown key");
  }

  @Test
  void theControlTokenIsReadFromTheFileTheConfigNamesAndNeverShown() throws IOException {
    Path token = dir.resolve("control.token");
    Files.writeString(token, "c0ntrol-s3cret\n");
    WatchdogConfig c = load("control_token_file: " + token + "\n" + MINIMAL);
    assertThat(c.controlToken()).hasValueSatisfying(t -> {
      assertThat(t.value()).isEqualTo("c0ntrol-s3cret");
      assertThat(t.file()).contains(token);
    });
    assertThat(c.toString()).doesNotContain("c0ntrol-s3cret");
    assertThat(load(MINIMAL).controlToken()).isEmpty();

    assertThatThrownBy(() -> load("control_token_file: " + dir.resolve("missing") + "\n" + MINIMAL))
        .hasMessageContaining("control_token_file: must be a readable file");
    Files.writeString(token, "\n");
    assertThatThrownBy(() -> load("control_token_file: " + token + "\n" + MINIMAL))
        .hasMessageContaining("control_token_file: the token file is empty");
    assertThatThrownBy(() -> load("control_token: s3cret\n" + MINIMAL)).hasMessageContaining("control_token: unknown key");
  }

  @Test
  void tokenFilesMayLiveInSystemdsCredentialsDirectory() throws IOException {
    Path credentials = Files.createDirectories(dir.resolve("credentials"));
    Files.writeString(credentials.resolve("consul-acl-token"), "acl-s3cret\n");
    Files.writeString(credentials.resolve("control-token"), "c0ntrol-s3cret\n");
    String yaml = "control_token_file: ${CREDENTIALS_DIRECTORY}/control-token\n"
        + MINIMAL.replace("    servers:", "    acl_token: {file: \"${CREDENTIALS_DIRECTORY}/consul-acl-token\"}\n    servers:");
    Path f = write(yaml);

    WatchdogConfig c = new ConfigLoader(Map.of("CREDENTIALS_DIRECTORY", credentials.toString())::get).load(f);
    assertThat(c.clusters().get(0).aclToken()).hasValueSatisfying(t -> {
      assertThat(t.value()).isEqualTo("acl-s3cret");
      assertThat(t.source()).isEqualTo("file:" + credentials.resolve("consul-acl-token"));
    });
    assertThat(c.controlToken()).hasValueSatisfying(t -> assertThat(t.value()).isEqualTo("c0ntrol-s3cret"));

    assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get).load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("clusters[0].acl_token.file: names ${CREDENTIALS_DIRECTORY}, which systemd sets only for a service "
            + "with LoadCredential=");
    assertThat(new ConfigLoader(Map.<String, String>of()::get).syntaxOnly().load(f).controlToken()).isPresent();
  }

  @Test
  void withoutACoordinationBlockTheWatchdogActsAlone() throws IOException {
    assertThat(load(MINIMAL).coordination()).isEqualTo(CoordinationConfig.none());
    assertThat(load(MINIMAL).coordination().enabled()).isFalse();
  }

  @Test
  void aConsulCoordinationBlockGetsItsDefaultsAndItsTokenFromAFile() throws IOException {
    Path token = dir.resolve("coordination-token");
    Files.writeString(token, "c00rd-token\n");
    WatchdogConfig c = load(MINIMAL + """
        coordination:
          type: consul
          addresses: ["http://10.9.0.1:8500", "https://10.9.0.2:8501"]
          token: {file: %s}
        """.formatted(token));
    CoordinationConfig co = c.coordination();
    assertThat(co.type()).isEqualTo("consul");
    assertThat(co.addresses()).extracting(Object::toString)
        .containsExactly("http://10.9.0.1:8500", "https://10.9.0.2:8501");
    assertThat(co.token().orElseThrow().value()).isEqualTo("c00rd-token");
    assertThat(co.ttl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(co.lockDelay()).isEqualTo(Duration.ofSeconds(15));
    assertThat(co.keyPrefix()).isEqualTo("consul-watchdog");
    assertThat(c.toString()).doesNotContain("c00rd-token");
  }

  @Test
  void aCoordinationStoreAtAWatchedAgentsAddressIsRefused() throws IOException {
    assertThatThrownBy(() -> load(MINIMAL + """
        coordination:
          type: consul
          addresses: ["http://10.9.0.1:8500", "https://127.0.0.1:8500"]
        """))
        .hasMessageContaining("coordination.addresses[1]: is the address of agent s1 of watched cluster dc1")
        .hasMessageContaining("(got \"https://127.0.0.1:8500\")");
  }

  @Test
  void coordinationValuesAreChecked() throws IOException {
    assertThatThrownBy(() -> load(MINIMAL + "coordination: {type: zookeeper, addresses: [\"http://10.9.0.1:2181\"]}\n"))
        .hasMessageContaining("coordination.type: must be one of none, consul, etcd (got \"zookeeper\")");
    assertThatThrownBy(() -> load(MINIMAL + "coordination: {type: etcd}\n"))
        .hasMessageContaining("coordination.addresses: must list at least one");
    assertThatThrownBy(() -> load(MINIMAL + "coordination: {type: consul, addresses: [\"http://10.9.0.1:8500\"], "
        + "ttl: 5s}\n")).hasMessageContaining("coordination.ttl");
    assertThatThrownBy(() -> load(MINIMAL + "coordination: {type: etcd, addresses: [\"http://10.9.0.1:2379\"], "
        + "token: {env: TOKEN}}\n")).hasMessageContaining("coordination.token: is only for type consul");
    assertThat(load(MINIMAL + "coordination: {type: etcd, addresses: [\"http://10.9.0.1:2379\"], ttl: 3s, "
        + "lock_delay: 1s, instance_name: bastion-a}\n").coordination())
        .satisfies(co -> {
          assertThat(co.ttl()).isEqualTo(Duration.ofSeconds(3));
          assertThat(co.lockDelay()).isEqualTo(Duration.ofSeconds(1));
          assertThat(co.instanceName()).contains("bastion-a");
        });
  }
}
