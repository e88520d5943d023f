package io.consulwatchdog.observe;

import static io.consulwatchdog.observe.ObservationBuilder.server;
import static io.consulwatchdog.observe.ObservationBuilder.snapshot;
import static io.consulwatchdog.observe.ObservationBuilder.voter;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.LogCapture;
import io.consulwatchdog.StateFileChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");
  @TempDir Path dir;

  private static ClusterSnapshot healthy(Instant at, RaftServer... voters) {
    return snapshot(at, server("s1", 1).leader().configuration(voters), server("s2", 2).sees("127.0.0.1:8300").configuration(voters));
  }

  @Test
  void writesOnlyWhenTheServersChangeAndReadsBackAfterARestart() throws Exception {
    TopologyStore store = new TopologyStore(dir);
    KnownTopology first = TopologyStore.fromSnapshot(healthy(T0, voter("s1", 1), voter("s2", 2)), T0).orElseThrow();
    assertThat(first.servers()).extracting(KnownServer::name).containsExactly("s1", "s2");
    assertThat(store.saveIfChanged(first)).isTrue();
    Path file = dir.resolve("dc1/topology.json");
    Instant written = Files.getLastModifiedTime(file).toInstant();

    KnownTopology same = TopologyStore.fromSnapshot(healthy(T0.plusSeconds(60), voter("s1", 1), voter("s2", 2)),
        T0.plusSeconds(60)).orElseThrow();
    assertThat(store.saveIfChanged(same)).isFalse();
    assertThat(Files.getLastModifiedTime(file).toInstant()).isEqualTo(written);

    KnownTopology grown = TopologyStore.fromSnapshot(healthy(T0.plusSeconds(120), voter("s1", 1), voter("s2", 2),
        voter("s3", 3)), T0.plusSeconds(120)).orElseThrow();
    assertThat(store.saveIfChanged(grown)).isTrue();

    TopologyStore restarted = new TopologyStore(dir);
    assertThat(restarted.load("dc1")).hasValueSatisfying(t -> assertThat(t.servers()).hasSize(3));
    assertThat(restarted.saveIfChanged(grown)).isFalse();
  }

  @Test
  void anEmptyOrTornFileIsAnUnknownTopologyWarnedOnceThenReplaced() throws Exception {
    KnownTopology good = TopologyStore.fromSnapshot(healthy(T0, voter("s1", 1), voter("s2", 2)), T0).orElseThrow();
    Path file = dir.resolve("dc1/topology.json");
    Files.createDirectories(file.getParent());
    for (String broken : List.of("", "{\"cluster\":\"dc1\",\"serv", "null")) {
      Files.writeString(file, broken);
      TopologyStore store = new TopologyStore(dir);
      try (LogCapture log = LogCapture.of(TopologyStore.class)) {
        for (int poll = 0; poll < 3; poll++) {
          assertThat(store.load("dc1")).as("\"%s\"", broken).isEmpty();
        }
        assertThat(log.warnings()).as("\"%s\"", broken).hasSize(1)
            .allSatisfy(w -> assertThat(w).contains(file.toString()).contains("topology is unknown"));
      }
      assertThat(store.saveIfChanged(good)).isTrue();
      assertThat(new TopologyStore(dir).load("dc1")).contains(good);
    }
  }

  @Test
  void aLinkPlantedAtTheOldTemporaryNameIsNeitherFollowedNorRenamedIntoPlace() throws Exception {
    KnownTopology topology = TopologyStore.fromSnapshot(healthy(T0, voter("s1", 1), voter("s2", 2)), T0).orElseThrow();
    StateFileChecks.assertALinkAtTheOldTemporaryNameIsIgnored(dir.resolve("dc1/topology.json"),
        () -> new TopologyStore(dir).saveIfChanged(topology));
    assertThat(new TopologyStore(dir).load("dc1")).contains(topology);
  }

  @Test
  void twoWritersAtOnceNeverShareATemporaryFile() throws Exception {
    List<KnownTopology> sizes = List.of(
        TopologyStore.fromSnapshot(healthy(T0, voter("s1", 1), voter("s2", 2)), T0).orElseThrow(),
        TopologyStore.fromSnapshot(healthy(T0, voter("s1", 1), voter("s2", 2), voter("s3", 3)), T0).orElseThrow());
    StateFileChecks.assertTwoWritersAtOnceDoNotCollide(dir.resolve("dc1/topology.json"),
        i -> new TopologyStore(dir).saveIfChanged(sizes.get(i % 2)),
        i -> new TopologyStore(dir).saveIfChanged(sizes.get((i + 1) % 2)));
    assertThat(new TopologyStore(dir).load("dc1")).hasValueSatisfying(t -> assertThat(t.servers()).hasSizeBetween(2, 3));
  }

  @Test
  void noLeaderMeansNoTopology() {
    assertThat(TopologyStore.fromSnapshot(snapshot(T0, server("s1", 1).configuration(voter("s1", 1))), T0)).isEmpty();
  }
}
