package io.consulwatchdog.daemon;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.consulwatchdog.Fixtures.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoopProgressTest {
  private static final Duration STALE = Duration.ofSeconds(15);
  private final MutableClock clock = new MutableClock(T0);

  @Test
  void liveWhileItProgressesWithinTheLimitAndNotAfter() {
    LoopProgress progress = new LoopProgress(clock, STALE);
    assertThat(progress.live()).as("a loop just started has its limit to make its first poll").isTrue();
    clock.advance(STALE.plusMillis(1));
    assertThat(progress.live()).as("no poll within the limit since the start: wedged").isFalse();
    progress.progressed();
    assertThat(progress.live()).isTrue();
    clock.advance(STALE);
    assertThat(progress.live()).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(progress.live()).isFalse();
  }

  @Test
  void anOperationUnderWayKeepsItLiveUntilItsOwnDeadlineButNotBeyond() {
    LoopProgress progress = new LoopProgress(clock, STALE);
    progress.progressed();
    try (LoopProgress.Operation op = progress.operationUnderWay(Duration.ofMinutes(5))) {
      clock.advance(Duration.ofMinutes(4));
      assertThat(progress.live()).as("a 5-minute backup step under way").isTrue();
      clock.advance(Duration.ofMinutes(1).plus(LoopProgress.OPERATION_GRACE).plusMillis(1));
      assertThat(progress.live()).as("the step overran its own timeout: wedged").isFalse();
    }
    assertThat(progress.live()).as("ending counts as progress").isTrue();
  }
}
