package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.SshExecutorConfig;
import io.consulwatchdog.config.SystemdExecutorConfig;
import io.consulwatchdog.plan.AgentOperation;
import io.consulwatchdog.plan.AgentOperation.CheckReady;
import io.consulwatchdog.plan.AgentOperation.RemoveFile;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Stop;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentExecutorsTest {

  @Test
  void noExecutorRefusesEveryOperationAndSaysSo() {
    try (ExecutorResources shared = new ExecutorResources()) {
      AgentExecutor ex = AgentExecutors.create(new ServerConfig("consul-3", URI.create("http://10.0.0.3:8500"),
          Optional.empty(), new NoExecutorConfig()), shared);
      ExecutionResult r = ex.run(new Restart(), Duration.ofSeconds(1));
      assertThat(r.success()).isFalse();
      assertThat(r.error()).isEqualTo("no executor configured for consul-3 (cannot restart)");
      assertThat(ex.describe(new Stop())).isEqualTo("nothing: no executor configured for consul-3 (stop would fail)");
      ExecutionResult check = ex.run(new CheckReady(List.of(new Stop(),
          new RemoveFile("/opt/consul/raft/peers.json"))), Duration.ofSeconds(1));
      assertThat(check.success()).isFalse();
      assertThat(check.error()).isEqualTo("check-ready: not ready: no executor configured for consul-3 (cannot stop,"
          + " remove-file /opt/consul/raft/peers.json)");
    }
  }

  @Test
  void eachConfigGetsItsExecutorAndSshSharesOneClient() {
    try (ExecutorResources shared = new ExecutorResources()) {
      SshExecutorConfig ssh = new SshExecutorConfig("10.0.0.1", 22, "consul-watchdog", Path.of("/etc/k"),
          Optional.empty(), Path.of("/etc/known_hosts"), false, Duration.ofSeconds(5),
          List.of("sudo", "-n", "systemctl", "stop", "consul"), List.of(), List.of(), List.of("sudo", "-n"), "consul");
      assertThat(AgentExecutors.create("a", new LocalExecutorConfig(List.of("true"), List.of("true"), List.of()), shared))
          .isInstanceOf(LocalProcessExecutor.class);
      assertThat(AgentExecutors.create("b", new SystemdExecutorConfig("consul.service", "system", Optional.empty()),
          shared)).isInstanceOf(SystemdDbusExecutor.class);
      AgentExecutor first = AgentExecutors.create("c", ssh, shared);
      assertThat(first).isInstanceOf(SshExecutor.class);
      assertThat(shared.ssh()).isSameAs(shared.ssh());
      assertThat(first.describe(new Stop()))
          .isEqualTo("ssh consul-watchdog@10.0.0.1:22: 'sudo' '-n' 'systemctl' 'stop' 'consul'");
      assertThat(first.describe(new CheckReady(List.of(new Stop(), new RemoveFile("/opt/consul/raft/peers.json")))))
          .isEqualTo("ssh consul-watchdog@10.0.0.1:22: check, changing nothing, with one command line, that stop,"
              + " remove-file /opt/consul/raft/peers.json can run: the login works; for each command they run,"
              + " sudo -n -l <argv> when it goes through sudo, else command -v for its program (file commands run as"
              + " consul); as consul, test -d, test ! -L and test -w on the directories they touch, du and df for a"
              + " backup's space, df mount points for a move");
      assertThat(first.describe(new RemoveFile("/opt/consul/raft/peers.json"))).isEqualTo("ssh"
          + " consul-watchdog@10.0.0.1:22: 'sudo' '-n' '-u' 'consul' 'rm' '-f' '--' '/opt/consul/raft/peers.json' &&"
          + " echo 'removed /opt/consul/raft/peers.json (if it was there)'");
    }
  }

  @Test
  void systemDescribesTheSystemBusAndLocalFileOperations() {
    SystemdDbusExecutor ex = new SystemdDbusExecutor(new SystemdExecutorConfig("consul.service", "system",
        Optional.empty()), Map.of());
    assertThat(ex.describe(new Stop())).startsWith("systemd over D-Bus (system bus unix:path=/run/dbus/system_bus_socket): org.freedesktop.systemd1 "
        + "/org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.StopUnit(\"consul.service\", \"replace\")");
    assertThat(ex.describe(new AgentOperation.ReadFile("/etc/consul.d/consul.hcl")))
        .isEqualTo("local: read /etc/consul.d/consul.hcl as UTF-8 (at most 1048576 bytes; refused if it is a symbolic"
            + " link)");
  }
}
