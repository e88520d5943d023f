package io.consulwatchdog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path dir;

  @Test
  void helpListsEveryCommandWithOneLineSummaries() {
    CliRun r = CliRun.of("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("check ", "run ", "validate ", "plan ", "status ", "pause ", "resume ", "ack ", "history ",
        "demo ", "completion ", "Exit codes:");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(CliRun.of().exit()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void validatePrintsEffectiveConfigWithTheTokenMasked() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "very-secret-acl-token\n");
    Path config = dir.resolve("c.yml");
    Files.writeString(config, "clusters:\n  - name: dc1\n    acl_token: {file: " + token + "}\n    servers:\n"
        + "      - name: s1\n        http_address: http://127.0.0.1:8500\n");
    CliRun r = CliRun.of("validate", "--config", config.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("poll_interval: \"5s\"").contains("type: \"none\"").contains("******")
        .doesNotContain("very-secret-acl-token");
    assertThat(r.err()).doesNotContain("very-secret-acl-token");
  }

  @Test
  void configErrorsExit78AndMissingFilesExit66() throws Exception {
    Path config = dir.resolve("bad.yml");
    Files.writeString(config, "clusters:\n  - name: dc1\n    servers: []\n");
    CliRun bad = CliRun.of("validate", "--config", config.toString());
    assertThat(bad.exit()).isEqualTo(ExitCodes.CONFIG);
    assertThat(bad.err()).contains(config + ": clusters[0].servers: must list at least one server");
    assertThat(CliRun.of("validate", "--config", dir.resolve("none.yml").toString()).exit()).isEqualTo(ExitCodes.NO_INPUT);
  }

  @Test
  void overflowingDurationsAndFilesThatAreNotUtf8Exit78NamingWhere() throws Exception {
    Path config = dir.resolve("huge.yml");
    Files.writeString(config, "clusters:\n  - name: dc1\n    poll_interval: 99999999999999999999h\n    servers:\n"
        + "      - name: s1\n        http_address: http://127.0.0.1:8500\n");
    CliRun huge = CliRun.of("validate", "--config", config.toString());
    assertThat(huge.exit()).as(huge.err()).isEqualTo(ExitCodes.CONFIG);
    assertThat(huge.err()).contains(config + ": clusters[0].poll_interval: must be between 200ms and 1h");

    Path latin1 = dir.resolve("latin1.yml");
    Files.write(latin1, new byte[] {'#', ' ', 'c', 'a', 'f', (byte) 0xe9, '\n'});
    CliRun notUtf8 = CliRun.of("validate", "--config", latin1.toString());
    assertThat(notUtf8.exit()).as(notUtf8.err()).isEqualTo(ExitCodes.CONFIG);
    assertThat(notUtf8.err()).contains(latin1 + ": not valid UTF-8 at byte 5 (line 1)");
  }

  @Test
  void versionIsTheBuildsVersion() {
    CliRun r = CliRun.of("--version");
    assertThat(r.exit()).isZero();
    assertThat(System.getProperty("project.version")).as("surefire passes the POM's version").isNotBlank();
    assertThat(r.out().strip()).isEqualTo("consul-watchdog " + System.getProperty("project.version"));
  }

  @Test
  void completionPrintsABashScriptThatCompletesEverySubcommand() throws Exception {
    CliRun r = CliRun.of("completion");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("complete -F", "consul-watchdog");
    for (String command : List.of("check", "run", "validate", "plan", "ack", "demo", "completion")) {
      assertThat(r.out()).as(command).containsPattern("\\b" + command + "\\b");
    }
    Path script = dir.resolve("consul-watchdog.bash");
    Files.writeString(script, r.out());
    Process bash = new ProcessBuilder("bash", "-n", script.toString()).redirectErrorStream(true).start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(new String(bash.getInputStream().readAllBytes())).isZero();
  }

  @Test
  void theShippedExampleConfigValidatesWithSyntaxOnly() {
    CliRun r = CliRun.of("validate", "--syntax-only", "--config", "config/consul-watchdog.example.yml");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("config/consul-watchdog.example.yml: valid (syntax only")
        .contains("name: \"dc1\"");
  }

  @Test
  void tlsFlagsAreForAdHocChecksOnly() throws Exception {
    Path config = dir.resolve("c.yml");
    Files.writeString(config, "clusters:\n  - name: dc1\n    servers:\n      - name: s1\n        http_address: http://127.0.0.1:8500\n");
    CliRun r = CliRun.of("check", "--config", config.toString(), "--ca-file", "/etc/consul.d/ca.pem");
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--ca-file, --cert-file and --key-file are for ad-hoc checks");
    assertThat(CliRun.of("check", "--help").out()).contains("--ca-file", "--cert-file", "--key-file", "CONSUL_HTTP_ADDR",
        "CONSUL_CACERT", "CONSUL_HTTP_TOKEN_FILE");
  }
}
