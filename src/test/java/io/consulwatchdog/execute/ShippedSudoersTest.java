package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The shipped sudoers file parses and allows exactly the argv lists the SSH executor sends. */
class ShippedSudoersTest {
  private static final Path SUDOERS = Path.of("systemd/sudoers.d/consul-watchdog");
  private static final Pattern SUDO_COMMAND = Pattern.compile("'sudo' '-n'((?: '[^']*')+)");
  private static final Pattern QUOTED = Pattern.compile("'([^']*)'");

  @Test
  @Tag("lab")
  void visudoAcceptsIt() throws Exception {
    assertThat(Path.of("/usr/sbin/visudo")).as("visudo (Debian package sudo)").exists();
    assertThat(LabProcesses.run(List.of("/usr/sbin/visudo", "-cf", SUDOERS.toString()), Duration.ofSeconds(10)))
        .contains("parsed OK");
  }

  @Test
  void everyCommandTheSshExecutorSendsIsAllowedAndNothingBeyond() throws Exception {
    List<String[]> rules = rules(Files.readString(SUDOERS));
    RemoteFileCommands files = new RemoteFileCommands(List.of("sudo", "-n"));
    String backup = "/opt/consul/raft.backup-20261125T211500Z-ab12";
    List<String> lines = List.of(
        files.write("/opt/consul/raft/peers.json", "0644"),
        files.backup("/opt/consul/raft", backup),
        files.read("/etc/consul.d/consul.hcl"),
        ShellQuoting.quote(List.of("sudo", "-n", "systemctl", "stop", "consul")),
        ShellQuoting.quote(List.of("sudo", "-n", "systemctl", "start", "consul")),
        ShellQuoting.quote(List.of("sudo", "-n", "systemctl", "restart", "consul")));
    int commands = 0;
    for (String line : lines) {
      Matcher m = SUDO_COMMAND.matcher(line);
      while (m.find()) {
        List<String> argv = new ArrayList<>();
        Matcher q = QUOTED.matcher(m.group(1));
        while (q.find()) {
          argv.add(q.group(1));
        }
        assertThat(allowed(rules, argv)).as("sudoers allows %s", argv).isTrue();
        commands++;
      }
    }
    assertThat(commands).isEqualTo(4 + 4 + 1 + 3);
    assertThat(allowed(rules, List.of("dd", "of=/etc/shadow", "conv=fsync", "status=none"))).isFalse();
    assertThat(allowed(rules, List.of("rm", "-rf", "--", "/opt/consul/raft"))).isFalse();
    assertThat(allowed(rules, List.of("cat", "--", "/etc/shadow"))).isFalse();
  }

  /** Active Cmnd_Alias entries as {command path, argument spec}. */
  private static List<String[]> rules(String sudoers) {
    String joined = sudoers.replaceAll("\\\\\n", " ");
    List<String[]> out = new ArrayList<>();
    for (String line : joined.split("\n")) {
      if (!line.startsWith("Cmnd_Alias ")) {
        continue;
      }
      for (String entry : line.substring(line.indexOf('=') + 1).split(",")) {
        String[] parts = entry.strip().split("\\s+", 2);
        out.add(new String[] {parts[0], parts.length > 1 ? parts[1].replace("\\=", "=") : ""});
      }
    }
    return out;
  }

  private static boolean allowed(List<String[]> rules, List<String> argv) {
    String args = String.join(" ", argv.subList(1, argv.size()));
    return rules.stream().anyMatch(r -> Path.of(r[0]).getFileName().toString().equals(argv.get(0))
        && (r[1].startsWith("^") && r[1].endsWith("$")
            ? Pattern.matches(r[1].substring(1, r[1].length() - 1), args)
            : r[1].equals(args)));
  }

  @Test
  void theWatchdogUnitRunsUnprivilegedWithTheDocumentedCommand() throws Exception {
    List<String> unit = Arrays.asList(Files.readString(Path.of("systemd/consul-watchdog.service")).split("\n"));
    assertThat(unit).contains("User=consul-watchdog", "NoNewPrivileges=yes", "ProtectSystem=strict",
        "CapabilityBoundingSet=", "ExecStart=/usr/bin/consul-watchdog run --config /etc/consul-watchdog/config.yml");
    String rules = Files.readString(Path.of("systemd/polkit/50-consul-watchdog.rules"));
    assertThat(rules).contains("subject.user !== \"consul-watchdog\"", "unit === \"consul.service\"",
        "verb === \"start\" || verb === \"stop\" || verb === \"restart\"");
  }
}
