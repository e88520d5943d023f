package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteFileCommandsTest {
  private static final String SUDO = "'sudo' '-n' '-u' 'consul' ";
  private static final String TMP = "/opt/consul/raft/.peers.json.0123456789abcdef.consul-watchdog-tmp";
  private final RemoteFileCommands sudo = new RemoteFileCommands(List.of("sudo", "-n"), "consul",
      () -> "0123456789abcdef");

  @Test
  void fileCommandsAreTheFixedArgvListedInSudoersRunAsTheFileOwner() {
    assertThat(sudo.read("/etc/consul.d/consul.hcl").line())
        .isEqualTo(SUDO + "'cat' '--' '/etc/consul.d/consul.hcl'");
    assertThat(sudo.write("/opt/consul/raft/peers.json", "640").line()).isEqualTo(
        "umask 0137 && if ! " + SUDO + "'test' '!' '-L' '/opt/consul/raft/peers.json'; then echo 'write-file"
            + " /opt/consul/raft/peers.json: refused: /opt/consul/raft/peers.json is a symbolic link (or the check"
            + " was not allowed)' >&2; exit 1; fi && "
            + SUDO + "'dd' 'if=/dev/null' 'of=" + TMP + "' 'oflag=nofollow' 'conv=excl' 'status=none' && { "
            + SUDO + "'dd' 'of=" + TMP + "' 'oflag=nofollow' 'conv=fsync' 'status=none' && "
            + SUDO + "'mv' '-f' '-T' '--' '" + TMP + "' '/opt/consul/raft/peers.json' || { "
            + SUDO + "'rm' '-f' '--' '" + TMP + "'; exit 1; }; }");
    assertThat(sudo.write("/opt/consul/raft/peers.json", "640").ownerCommands()).containsExactly(
        List.of("test", "!", "-L", "/opt/consul/raft/peers.json"),
        List.of("dd", "if=/dev/null", "of=" + TMP, "oflag=nofollow", "conv=excl", "status=none"),
        List.of("dd", "of=" + TMP, "oflag=nofollow", "conv=fsync", "status=none"),
        List.of("mv", "-f", "-T", "--", TMP, "/opt/consul/raft/peers.json"),
        List.of("rm", "-f", "--", TMP));
    assertThat(sudo.remove("/opt/consul/raft/peers.json").line()).isEqualTo(
        SUDO + "'rm' '-f' '--' '/opt/consul/raft/peers.json' && echo 'removed /opt/consul/raft/peers.json (if it"
            + " was there)'");
    assertThat(sudo.backup("/opt/consul/raft", "/opt/consul/raft.backup-r1").line()).endsWith(
        SUDO + "'rm' '-rf' '--' '/opt/consul/raft.backup-r1.tmp' && "
            + SUDO + "'cp' '-a' '--' '/opt/consul/raft' '/opt/consul/raft.backup-r1.tmp' && "
            + SUDO + "'mv' '-T' '--' '/opt/consul/raft.backup-r1.tmp' '/opt/consul/raft.backup-r1'")
        .contains(SUDO + "'diff' '-r' '-q' '--no-dereference' '--' '/opt/consul/raft' "
            + "'/opt/consul/raft.backup-r1' >/dev/null 2>&1; ");
    assertThat(sudo.move("/opt/consul/raft", "/opt/consul/raft.moved-r1").ownerCommands()).containsExactly(
        List.of("test", "-d", "/opt/consul/raft"), List.of("test", "!", "-L", "/opt/consul/raft"),
        List.of("test", "!", "-e", "/opt/consul/raft.moved-r1"),
        List.of("mv", "-T", "--", "/opt/consul/raft", "/opt/consul/raft.moved-r1"),
        List.of("test", "!", "-e", "/opt/consul/raft"), List.of("test", "-d", "/opt/consul/raft.moved-r1"),
        List.of("test", "!", "-L", "/opt/consul/raft.moved-r1"));
  }

  @Test
  void withoutAPrefixTheCommandsRunAsTheLoginUser() {
    RemoteFileCommands plain = new RemoteFileCommands(List.of(), "", () -> "0123456789abcdef");
    assertThat(plain.read("/opt/consul/raft/peers.json").line()).isEqualTo("'cat' '--' '/opt/consul/raft/peers.json'");
    assertThat(plain.ownerPrefix()).isEmpty();
  }

  @Test
  void relativeUnnormalizedOrRootPathsAndBadModesAreRefused() {
    assertThatThrownBy(() -> sudo.read("consul.hcl")).hasMessageContaining("absolute");
    assertThatThrownBy(() -> sudo.read("/opt/consul/../../etc/shadow")).hasMessageContaining("normalized");
    assertThatThrownBy(() -> sudo.backup("/", "/x")).hasMessageContaining("not the root");
    assertThatThrownBy(() -> sudo.move("/opt/consul/raft", "raft.moved")).hasMessageContaining("absolute");
    assertThatThrownBy(() -> sudo.remove("/")).hasMessageContaining("not the root");
    assertThatThrownBy(() -> sudo.write("/opt/consul/raft/peers.json", "4755")).hasMessageContaining("mode");
    assertThatThrownBy(() -> sudo.write("/opt/consul/raft/peers.json", "0664"))
        .hasMessage("mode 0664 cannot be set over ssh: the file is created under a umask (sudo adds 0022) and never"
            + " chmod-ed; use a mode within 0644, e.g. 0640");
  }

  @Test
  void processGroupMarkerIsTakenOutOfStderr() throws Exception {
    OutputTail tail = new OutputTail();
    ProcessGroupMarker marker = new ProcessGroupMarker(tail);
    marker.write("rc noise\nconsul-watchdog-pgid=4242\nreal err".getBytes(StandardCharsets.UTF_8));
    marker.write("or\n".getBytes(StandardCharsets.UTF_8));
    assertThat(marker.pgid()).hasValue(4242);
    assertThat(tail.text()).isEqualTo("rc noise\nreal error\n");

    OutputTail other = new OutputTail();
    ProcessGroupMarker none = new ProcessGroupMarker(other);
    none.write(("x".repeat(5000) + "\n").getBytes(StandardCharsets.UTF_8));
    assertThat(none.pgid()).isEmpty();
    assertThat(other.text()).hasSize(5001);
  }
}
