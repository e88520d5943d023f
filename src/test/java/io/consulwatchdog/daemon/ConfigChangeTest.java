package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures;
import io.consulwatchdog.config.ClusterConfig;
import io.consulwatchdog.config.RecoveryMode;
import io.consulwatchdog.config.Secret;
import io.consulwatchdog.config.WatchdogConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigChangeTest {
  private static ClusterConfig cluster(String name) {
    ClusterConfig c = Fixtures.cluster(Fixtures.recovery(RecoveryMode.AUTO, List.of("restart-down-servers")),
        Fixtures.threeServers(), List.of());
    return new ClusterConfig(name, c.servers(), c.clients(), c.pollInterval(), c.requestTimeout(), c.aclToken(),
        c.agentToken(), c.tls(), c.recovery());
  }

  private static WatchdogConfig config(Path stateDir, String listen, ClusterConfig... clusters) {
    return new WatchdogConfig(Optional.empty(), stateDir, listen, List.of(clusters));
  }

  @Test
  void namesTheClustersAddedRemovedChangedAndUnchanged() {
    ClusterConfig a = cluster("a");
    ClusterConfig b = cluster("b");
    ClusterConfig c = cluster("c");
    ClusterConfig bSlower = new ClusterConfig("b", b.servers(), b.clients(), Duration.ofSeconds(30),
        b.requestTimeout(), b.aclToken(), b.agentToken(), b.tls(), b.recovery());
    ConfigChange change = ConfigChange.between(config(Path.of("/s"), "127.0.0.1:9464", a, b),
        config(Path.of("/s"), "127.0.0.1:9464", bSlower, a, c));
    assertThat(change.added()).containsExactly("c");
    assertThat(change.removed()).isEmpty();
    assertThat(change.changed()).containsExactly("b");
    assertThat(change.unchanged()).containsExactly("a");
    assertThat(change.needRestart()).isEmpty();

    ConfigChange removal = ConfigChange.between(config(Path.of("/s"), "127.0.0.1:9464", a, b),
        config(Path.of("/s"), "127.0.0.1:9464", b));
    assertThat(removal.removed()).containsExactly("a");
    assertThat(removal.unchanged()).containsExactly("b");
  }

  @Test
  void aNewTokenChangesTheClusterAndANewListenerOrStateDirNeedsARestart() {
    ClusterConfig a = cluster("a");
    ClusterConfig rotated = a.withTokens(Optional.of(new Secret("file:/t", "new")), Optional.empty());
    ConfigChange change = ConfigChange.between(config(Path.of("/s"), "127.0.0.1:9464", a),
        config(Path.of("/elsewhere"), "127.0.0.1:9999", rotated));
    assertThat(change.changed()).containsExactly("a");
    assertThat(change.needRestart()).hasSize(2).anyMatch(s -> s.contains("state_dir"))
        .anyMatch(s -> s.contains("listen_address"));
  }
}
