package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollSchedulerTest {

  @Test
  void twoSchedulersInOneJvmEachRunTheirOwnTicksAndCloseIndependently() throws Exception {
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    try (PollScheduler a = new PollScheduler(1)) {
      a.schedule("dc1", Duration.ofMillis(200), first::incrementAndGet);
      a.start();
      try (PollScheduler b = new PollScheduler(1)) {
        b.schedule("dc1", Duration.ofMillis(200), second::incrementAndGet);
        b.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> first.get() >= 2 && second.get() >= 2);
      }
      int after = first.get();
      await().atMost(Duration.ofSeconds(5)).until(() -> first.get() > after);
    }
  }

  @Test
  void aClusterAddedLaterGetsATickAndARemovedOneStopsWhileOthersGoOn() throws Exception {
    AtomicInteger kept = new AtomicInteger();
    AtomicInteger removed = new AtomicInteger();
    AtomicInteger added = new AtomicInteger();
    try (PollScheduler s = new PollScheduler(2)) {
      s.schedule("kept", Duration.ofMillis(200), kept::incrementAndGet);
      s.schedule("removed", Duration.ofMillis(200), removed::incrementAndGet);
      s.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> removed.get() >= 2);
      s.unschedule("removed");
      int removedAt = removed.get();
      s.schedule("added", Duration.ofMillis(200), added::incrementAndGet);
      int keptAt = kept.get();
      await().atMost(Duration.ofSeconds(5)).until(() -> added.get() >= 3 && kept.get() >= keptAt + 3);
      assertThat(removed.get()).as("no tick after unschedule (one under way may end)").isLessThanOrEqualTo(removedAt + 1);
    }
  }

  @Test
  void aNewIntervalTakesEffectWithoutRemovingTheCluster() throws Exception {
    AtomicInteger ticks = new AtomicInteger();
    try (PollScheduler s = new PollScheduler(1)) {
      s.schedule("dc1", Duration.ofHours(1), ticks::incrementAndGet);
      s.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() == 1);
      s.reschedule("dc1", Duration.ofMillis(100));
      await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 4);
    }
  }
}
