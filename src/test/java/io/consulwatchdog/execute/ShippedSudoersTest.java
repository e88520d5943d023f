package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.SshExecutorConfig;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.EditFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped sudoers file parses and allows exactly the argv lists the SSH executor sends, each as the
 * user it runs as (systemctl as root, file commands as consul), and no rule goes unused.
 */
class ShippedSudoersTest {
  static final Path SUDOERS = Path.of("systemd/sudoers.d/consul-watchdog");
  private static final Pattern USER_SPEC = Pattern.compile("consul-watchdog ALL=\\((\\w+)\\) NOPASSWD: (.+)");

  @TempDir Path dir;

  /** The commands of the peers-json recovery, its undo and its preflight with the default ssh config. */
  static List<AgentOperation> recoveryOperations() {
    List<AgentOperation> ops = RecoveryOperations.of(Path.of("/opt/consul"), "20261125T211500Z-ab12");
    List<AgentOperation> all = new ArrayList<>(ops);
    all.add(new AgentOperation.CheckReady(ops));
    return all;
  }

  /** The default ssh executor config (sudo -n systemctl ..., file commands as consul). */
  static SshExecutorConfig defaults() {
    return new SshExecutorConfig("10.0.0.1", 22, "consul-watchdog", Path.of("/k"), Optional.empty(),
        Path.of("/known_hosts"), false, Duration.ofSeconds(5), List.of("sudo", "-n", "systemctl", "stop", "consul"),
        List.of("sudo", "-n", "systemctl", "start", "consul"), List.of("sudo", "-n", "systemctl", "restart", "consul"),
        List.of("sudo", "-n"), "consul");
  }

  /** Every argv the executor runs as the file owner for these operations: the scripts' and the checks'. */
  static Set<List<String>> ownerCommands(SshExecutorConfig config, List<AgentOperation> operations) {
    RemoteFileCommands files = new RemoteFileCommands(config.fileCommandPrefix(), config.fileOwner());
    RemoteReadiness checks = new RemoteReadiness(config, files);
    checks.line(operations);
    return new HashSet<>(checks.ownerCommands());
  }

  @Test
  @Tag("lab")
  void visudoAcceptsItWithAndWithoutTheOptionalBlock() throws Exception {
    assertThat(Path.of("/usr/sbin/visudo")).as("visudo (Debian package sudo)").exists();
    Path optional = dir.resolve("with-config-block");
    Files.writeString(optional, uncommented(Files.readString(SUDOERS)));
    for (Path file : List.of(SUDOERS, optional)) {
      assertThat(LabProcesses.run(List.of("/usr/sbin/visudo", "-cf", file.toString()), Duration.ofSeconds(10)))
          .contains("parsed OK");
    }
  }

  @Test
  void everyCommandTheSshExecutorSendsIsAllowedAsItsUserAndEveryRuleIsUsed() throws Exception {
    Sudoers sudoers = Sudoers.parse(Files.readString(SUDOERS));
    Set<List<String>> asConsul = ownerCommands(defaults(), recoveryOperations());
    for (List<String> argv : asConsul) {
      assertThat(sudoers.allows("consul", argv)).as("sudoers allows as consul: %s", argv).isTrue();
      assertThat(sudoers.allows("root", argv)).as("as root: %s", argv).isFalse();
    }
    for (String verb : List.of("stop", "start", "restart")) {
      assertThat(sudoers.allows("root", List.of("systemctl", verb, "consul"))).isTrue();
    }
    assertThat(asConsul).contains(List.of("du", "-s", "-B1", "--", "/opt/consul/raft"),
        List.of("mv", "-T", "--", "/opt/consul/raft.moved-20261125T211500Z-ab12", "/opt/consul/raft"));
    assertThat(sudoers.unused()).as("rules no generated command uses").isEmpty();
  }

  @Test
  void nothingBeyondIsAllowed() throws Exception {
    Sudoers sudoers = Sudoers.parse(Files.readString(SUDOERS));
    for (String user : List.of("root", "consul")) {
      assertThat(sudoers.allows(user, List.of("dd", "of=/etc/shadow", "oflag=nofollow", "conv=fsync",
          "status=none"))).isFalse();
      assertThat(sudoers.allows(user, List.of("rm", "-rf", "--", "/opt/consul/raft"))).isFalse();
      assertThat(sudoers.allows(user, List.of("cat", "--", "/etc/consul.d/consul.hcl"))).isFalse();
      assertThat(sudoers.allows(user, List.of("chown", "--reference=/opt/consul/raft", "--", "/etc/shadow")))
          .isFalse();
      assertThat(sudoers.allows(user, List.of("mv", "-T", "--", "/opt/consul/raft", "/tmp/raft"))).isFalse();
      assertThat(sudoers.allows(user, List.of("test", "-d", "/opt/consul/../../root"))).isFalse();
      assertThat(sudoers.allows(user, List.of("rm", "-f", "--", "/opt/consul/raft/raft.db"))).isFalse();
    }
  }

  @Test
  void theOptionalBlockAllowsTheBootstrapExpectConfigEdit() throws Exception {
    Sudoers sudoers = Sudoers.parse(uncommented(Files.readString(SUDOERS)));
    Set<List<String>> edit = ownerCommands(defaults(), List.of(new EditFile("/etc/consul.d/consul.hcl",
        "(bootstrap_expect\\s*=\\s*)\\d+", "$1" + 1, "0640")));
    assertThat(edit).isNotEmpty();
    for (List<String> argv : edit) {
      assertThat(sudoers.allows("consul", argv)).as("sudoers allows as consul: %s", argv).isTrue();
    }
  }

  /** The shipped file with its commented-out optional block enabled. */
  static String uncommented(String sudoers) {
    return sudoers.replaceAll("(?m)^# (Cmnd_Alias CW_CONFIG|                       |consul-watchdog ALL)", "$1");
  }

  /** The active rules of a sudoers file: Cmnd_Alias entries and the Runas user each alias is granted as. */
  static final class Sudoers {
    private final Map<String, List<String[]>> aliases = new LinkedHashMap<>();
    private final Map<String, String> runas = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();

    static Sudoers parse(String text) {
      Sudoers s = new Sudoers();
      for (String line : text.replaceAll("\\\\\n", " ").split("\n")) {
        Matcher spec = USER_SPEC.matcher(line);
        if (line.startsWith("Cmnd_Alias ")) {
          String name = line.substring("Cmnd_Alias ".length(), line.indexOf('=')).strip();
          List<String[]> entries = new ArrayList<>();
          for (String entry : line.substring(line.indexOf('=') + 1).split(",")) {
            String[] parts = entry.strip().split("\\s+", 2);
            entries.add(new String[] {parts[0], parts.length > 1 ? parts[1].replace("\\=", "=") : ""});
          }
          s.aliases.put(name, entries);
        } else if (spec.matches()) {
          Arrays.stream(spec.group(2).split(",")).map(String::strip).forEach(a -> s.runas.put(a, spec.group(1)));
        }
      }
      return s;
    }

    /** Whether the argv (argv[0] a program name that sudo finds in /usr/bin) may run as the user. */
    boolean allows(String user, List<String> argv) {
      String args = String.join(" ", argv.subList(1, argv.size()));
      boolean allowed = false;
      for (Map.Entry<String, List<String[]>> alias : aliases.entrySet()) {
        if (!user.equals(runas.get(alias.getKey()))) {
          continue;
        }
        for (String[] rule : alias.getValue()) {
          boolean matches = rule[0].equals("/usr/bin/" + argv.get(0))
              && (rule[1].startsWith("^") && rule[1].endsWith("$")
                  ? Pattern.matches(rule[1].substring(1, rule[1].length() - 1), args)
                  : rule[1].equals(args));
          if (matches) {
            used.add(alias.getKey() + " " + rule[0] + " " + rule[1]);
            allowed = true;
          }
        }
      }
      return allowed;
    }

    /** The granted rules no call to {@link #allows} has matched so far. */
    List<String> unused() {
      List<String> out = new ArrayList<>();
      aliases.forEach((name, rules) -> {
        if (runas.containsKey(name)) {
          for (String[] rule : rules) {
            if (!used.contains(name + " " + rule[0] + " " + rule[1])) {
              out.add(name + ": " + rule[0] + " " + rule[1]);
            }
          }
        }
      });
      return out;
    }
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
