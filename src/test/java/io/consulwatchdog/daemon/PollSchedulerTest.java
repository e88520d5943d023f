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
}
