package io.consulwatchdog.execute;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.config.LocalExecutorConfig;
import io.consulwatchdog.config.NoExecutorConfig;
import io.consulwatchdog.config.ServerConfig;
import io.consulwatchdog.config.SshExecutorConfig;
import io.consulwatchdog.config.SystemdExecutorConfig;
import io.consulwatchdog.plan.AgentOperation.Restart;
import io.consulwatchdog.plan.AgentOperation.Stop;
import io.consulwatchdog.plan.AgentOperation;
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
    }
  }

  @Test
  void eachConfigGetsItsExecutorAndSshSharesOneClient() {
    try (ExecutorResources shared = new ExecutorResources()) {
      SshExecutorConfig ssh = new SshExecutorConfig("10.0.0.1", 22, "consul-watchdog", Path.of("/etc/k"),
          Optional.empty(), Path.of("/etc/known_hosts"), false, Duration.ofSeconds(5),
          List.of("sudo", "-n", "systemctl", "stop", "consul"), List.of(), List.of(), List.of("sudo", "-n"));
      assertThat(AgentExecutors.create("a", new LocalExecutorConfig(List.of("true"), List.of("true"), List.of()), shared))
          .isInstanceOf(LocalProcessExecutor.class);
      assertThat(AgentExecutors.create("b", new SystemdExecutorConfig("consul.service", "system", Optional.empty()),
          shared)).isInstanceOf(SystemdDbusExecutor.class);
      AgentExecutor first = AgentExecutors.create("c", ssh, shared);
      assertThat(first).isInstanceOf(SshExecutor.class);
      assertThat(shared.ssh()).isSameAs(shared.ssh());
      assertThat(first.describe(new Stop()))
          .isEqualTo("ssh consul-watchdog@10.0.0.1:22: 'sudo' '-n' 'systemctl' 'stop' 'consul'");
    }
  }

  @Test
  void systemDescribesTheSystemBusAndLocalFileOperations() {
    SystemdDbusExecutor ex = new SystemdDbusExecutor(new SystemdExecutorConfig("consul.service", "system",
        Optional.empty()), Map.of());
    assertThat(ex.describe(new Stop())).startsWith("systemd over D-Bus (system bus unix:path=/run/dbus/system_bus_socket): org.freedesktop.systemd1 "
        + "/org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.StopUnit(\"consul.service\", \"replace\")");
    assertThat(ex.describe(new AgentOperation.ReadFile("/etc/consul.d/consul.hcl")))
        .isEqualTo("local: read /etc/consul.d/consul.hcl as UTF-8 (at most 1048576 bytes)");
  }
}
