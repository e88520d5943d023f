package io.consulwatchdog.recover;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.LogCapture;
import io.consulwatchdog.decide.Pause;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PauseStoreTest {
  @TempDir Path dir;
  private final Pause pause = new Pause("alice", "replacing disks", T0, T0.plus(Duration.ofHours(2)));

  @Test
  void aPauseIsKeptInTheStateDirAndSurvivesANewStore() throws Exception {
    new PauseStore(dir).save("dc1", pause);
    PauseStore afterRestart = new PauseStore(dir);
    assertThat(afterRestart.load("dc1")).contains(pause);
    assertThat(afterRestart.load("dc2")).isEmpty();
    assertThat(afterRestart.file("dc1")).isEqualTo(dir.resolve("dc1/pause.json"));
    try (var files = Files.list(dir.resolve("dc1"))) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("pause.json");
    }
    assertThat(Files.readString(afterRestart.file("dc1"))).contains("\"owner\" : \"alice\"").contains("2026-11-25T23:00:00Z");
  }

  @Test
  void clearRemovesThePauseAndSaysWhetherThereWasOne() {
    PauseStore store = new PauseStore(dir);
    assertThat(store.clear("dc1")).isEmpty();
    store.save("dc1", pause);
    assertThat(store.clear("dc1")).contains(pause);
    assertThat(store.load("dc1")).isEmpty();
    assertThat(Files.exists(store.file("dc1"))).isFalse();
  }

  @Test
  void aTornPauseFileCountsAsNoPauseWarnedOnce() throws Exception {
    PauseStore store = new PauseStore(dir);
    store.save("dc1", pause);
    String whole = Files.readString(store.file("dc1"));
    Files.writeString(store.file("dc1"), whole.substring(0, whole.length() / 2));
    try (LogCapture log = LogCapture.of(PauseStore.class)) {
      assertThat(store.load("dc1")).isEmpty();
      assertThat(store.load("dc1")).isEmpty();
      assertThat(log.warnings()).singleElement().asString().contains(store.file("dc1").toString()).contains("no pause");
    }
  }
}
