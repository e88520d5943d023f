package io.consulwatchdog.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Clusters are polled on staggered schedules, so that many of them never send every request at once; two
 * schedulers in one JVM are independent.
 */
class PollSchedulerTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void manyClustersAreSpreadEvenlyOverTheInterval() {
    assertThat(PollScheduler.offset(0, 50, SECOND)).isZero();
    assertThat(PollScheduler.offset(1, 50, SECOND)).isEqualTo(Duration.ofMillis(20));
    assertThat(PollScheduler.offset(49, 50, SECOND)).isEqualTo(Duration.ofMillis(980));
  }

  @Test
  void aFewClustersStartCloseTogetherSoThatTheFirstPollIsNotDelayed() {
    assertThat(PollScheduler.offset(2, 3, Duration.ofSeconds(5))).isEqualTo(PollScheduler.MAX_STAGGER.multipliedBy(2));
  }

  @Test
  void theScheduledClustersFirstTicksAreStaggered() throws Exception {
    Map<String, Instant> firstScheduled = new ConcurrentHashMap<>();
    try (PollScheduler scheduler = new PollScheduler(4)) {
      for (String cluster : new String[] {"a", "b", "c", "d"}) {
        scheduler.schedule(cluster, Duration.ofMillis(400), at -> firstScheduled.putIfAbsent(cluster, at));
      }
      scheduler.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> firstScheduled.size() == 4);
    }
    Instant a = firstScheduled.get("a");
    assertThat(List.of(firstScheduled.get("b"), firstScheduled.get("c"), firstScheduled.get("d")))
        .containsExactly(a.plusMillis(50), a.plusMillis(100), a.plusMillis(150));
  }

  @Test
  void twoSchedulersInOneJvmEachRunTheirOwnTicksAndCloseIndependently() throws Exception {
    AtomicInteger first = new AtomicInteger();
    AtomicInteger second = new AtomicInteger();
    try (PollScheduler a = new PollScheduler(1)) {
      a.schedule("dc1", Duration.ofMillis(200), at -> first.incrementAndGet());
      a.start();
      try (PollScheduler b = new PollScheduler(1)) {
        b.schedule("dc1", Duration.ofMillis(200), at -> second.incrementAndGet());
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
      s.schedule("kept", Duration.ofMillis(200), at -> kept.incrementAndGet());
      s.schedule("removed", Duration.ofMillis(200), at -> removed.incrementAndGet());
      s.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> removed.get() >= 2);
      s.unschedule("removed");
      int removedAt = removed.get();
      s.schedule("added", Duration.ofMillis(200), at -> added.incrementAndGet());
      int keptAt = kept.get();
      await().atMost(Duration.ofSeconds(5)).until(() -> added.get() >= 3 && kept.get() >= keptAt + 3);
      assertThat(removed.get()).as("no tick after unschedule (one under way may end)").isLessThanOrEqualTo(removedAt + 1);
    }
  }

  @Test
  void aNewIntervalTakesEffectWithoutRemovingTheCluster() throws Exception {
    AtomicInteger ticks = new AtomicInteger();
    try (PollScheduler s = new PollScheduler(1)) {
      s.schedule("dc1", Duration.ofHours(1), at -> ticks.incrementAndGet());
      s.start();
      await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() == 1);
      s.reschedule("dc1", Duration.ofMillis(100));
      await().atMost(Duration.ofSeconds(5)).until(() -> ticks.get() >= 4);
    }
  }
}
