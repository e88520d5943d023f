package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteFileCommandsTest {
  private final RemoteFileCommands sudo = new RemoteFileCommands(List.of("sudo", "-n"));

  @Test
  void fileCommandsAreTheFixedArgvListedInSudoers() {
    assertThat(sudo.read("/etc/consul.d/consul.hcl")).isEqualTo("'sudo' '-n' 'cat' '--' '/etc/consul.d/consul.hcl'");
    assertThat(sudo.write("/opt/consul/raft/peers.json", "640")).isEqualTo(
        "'sudo' '-n' 'install' '-m' '0640' '-T' '/dev/null' '/opt/consul/raft/.peers.json.consul-watchdog-tmp' && "
            + "'sudo' '-n' 'chown' '--reference=/opt/consul/raft' '--' '/opt/consul/raft/.peers.json.consul-watchdog-tmp'"
            + " && 'sudo' '-n' 'dd' 'of=/opt/consul/raft/.peers.json.consul-watchdog-tmp' 'conv=fsync' 'status=none' && "
            + "'sudo' '-n' 'mv' '-f' '-T' '--' '/opt/consul/raft/.peers.json.consul-watchdog-tmp' "
            + "'/opt/consul/raft/peers.json'");
    assertThat(sudo.backup("/opt/consul/raft", "/opt/consul/raft.backup-r1")).endsWith(
        "'sudo' '-n' 'rm' '-rf' '--' '/opt/consul/raft.backup-r1.tmp' && "
            + "'sudo' '-n' 'cp' '-a' '--' '/opt/consul/raft' '/opt/consul/raft.backup-r1.tmp' && "
            + "'sudo' '-n' 'mv' '-T' '--' '/opt/consul/raft.backup-r1.tmp' '/opt/consul/raft.backup-r1'")
        .startsWith("'sudo' '-n' 'diff' '-r' '-q' '--no-dereference' '--' '/opt/consul/raft' "
            + "'/opt/consul/raft.backup-r1' >/dev/null 2>&1; ");
  }

  @Test
  void relativeUnnormalizedOrRootPathsAndBadModesAreRefused() {
    assertThatThrownBy(() -> sudo.read("consul.hcl")).hasMessageContaining("absolute");
    assertThatThrownBy(() -> sudo.read("/opt/consul/../../etc/shadow")).hasMessageContaining("normalized");
    assertThatThrownBy(() -> sudo.backup("/", "/x")).hasMessageContaining("not the root");
    assertThatThrownBy(() -> sudo.write("/opt/consul/raft/peers.json", "4755")).hasMessageContaining("mode");
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
