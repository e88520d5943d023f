package io.consulwatchdog.recover;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.LogCapture;
import io.consulwatchdog.StateFileChecks;
import io.consulwatchdog.decide.RecoveryState;
import io.consulwatchdog.decide.RecoveryStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryStatusStoreTest {
  @TempDir Path dir;

  @Test
  void aMissingFileMeansNoState() {
    RecoveryStatusStore store = new RecoveryStatusStore(dir);
    assertThat(store.load("dc1")).isEmpty();
    assertThat(store.loadOrInitial("dc1", T0)).isEqualTo(RecoveryStatus.initial("dc1", T0));
  }

  @Test
  void stateRoundTripsThroughStateJsonWithoutLeavingATemporaryFile() throws Exception {
    RecoveryStatusStore store = new RecoveryStatusStore(dir);
    RecoveryStatus state = new RecoveryStatus("dc1", RecoveryState.ESCALATED, T0, Optional.of("20261125T210000Z-ab12"),
        Optional.of(T0.plusSeconds(600)), List.of(T0.minusSeconds(60), T0), true, Optional.empty());
    store.save(state);
    assertThat(store.load("dc1")).contains(state);
    assertThat(store.file("dc1")).isEqualTo(dir.resolve("dc1/state.json"));
    try (var files = Files.list(dir.resolve("dc1"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }
    assertThat(Files.readString(store.file("dc1"))).contains("\"state\" : \"ESCALATED\"")
        .contains("2026-11-25T21:00:00Z");

    RecoveryStatus acked = state.acknowledged(T0.plusSeconds(5));
    store.save(acked);
    assertThat(store.load("dc1")).contains(acked);
  }
  @Test
  void anEmptyOrTornStateFileIsTheInitialIdleStateWarnedOnce() throws Exception {
    RecoveryStatusStore writer = new RecoveryStatusStore(dir);
    writer.save(RecoveryStatus.initial("dc1", T0).moveTo(RecoveryState.SUSPECT, T0));
    String whole = Files.readString(writer.file("dc1"));
    for (String broken : List.of("", whole.substring(0, whole.length() / 2), "null")) {
      Files.writeString(writer.file("dc1"), broken);
      RecoveryStatusStore store = new RecoveryStatusStore(dir);
      try (LogCapture log = LogCapture.of(RecoveryStatusStore.class)) {
        for (int poll = 0; poll < 3; poll++) {
          assertThat(store.loadOrInitial("dc1", T0)).as("\"%s\"", broken).isEqualTo(RecoveryStatus.initial("dc1", T0));
          assertThat(store.load("dc1")).isEmpty();
        }
        assertThat(log.warnings()).as("\"%s\"", broken).hasSize(1)
            .allSatisfy(w -> assertThat(w).contains(store.file("dc1").toString()).contains("initial IDLE"));
      }
      store.save(RecoveryStatus.initial("dc1", T0));
      assertThat(store.load("dc1")).contains(RecoveryStatus.initial("dc1", T0));
    }
  }

  @Test
  void aLinkPlantedAtTheOldTemporaryNameIsNeitherFollowedNorRenamedIntoPlace() throws Exception {
    RecoveryStatusStore store = new RecoveryStatusStore(dir);
    StateFileChecks.assertALinkAtTheOldTemporaryNameIsIgnored(store.file("dc1"), () -> {
      store.save(RecoveryStatus.initial("dc1", T0));
      return null;
    });
    assertThat(store.load("dc1")).contains(RecoveryStatus.initial("dc1", T0));
  }

  @Test
  void twoWritersAtOnceNeverShareATemporaryFile() throws Exception {
    RecoveryStatusStore store = new RecoveryStatusStore(dir);
    StateFileChecks.assertTwoWritersAtOnceDoNotCollide(store.file("dc1"),
        i -> new RecoveryStatusStore(dir).save(RecoveryStatus.initial("dc1", T0.plusSeconds(i))),
        i -> new RecoveryStatusStore(dir).save(RecoveryStatus.initial("dc1", T0.minusSeconds(i))));
    assertThat(store.load("dc1")).isPresent();
  }
}
