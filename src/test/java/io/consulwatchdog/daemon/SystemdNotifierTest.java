package io.consulwatchdog.daemon;

import static io.consulwatchdog.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consulwatchdog.Fixtures.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SystemdNotifierTest {
  private final MutableClock clock = new MutableClock(T0);
  private final List<String> sent = new ArrayList<>();
  private boolean polled;
  private boolean live = true;
  private String line = "dc1: not polled yet, auto";

  private final SystemdNotifier.Sink sink = new SystemdNotifier.Sink() {
    @Override
    public boolean send(String state) {
      sent.add(state);
      return true;
    }

    @Override
    public long watchdogMicros() {
      return Duration.ofSeconds(60).toNanos() / 1000;
    }
  };

  private final SystemdNotifier.View view = new SystemdNotifier.View() {
    @Override
    public boolean allPolled() {
      return polled;
    }

    @Override
    public boolean allLive() {
      return live;
    }

    @Override
    public String summaryLine() {
      if (line == null) {
        throw new java.io.UncheckedIOException(new java.io.IOException("pause.json: Input/output error"));
      }
      return line;
    }
  };

  @Test
  void readyOnlyAfterEveryClusterWasPolledThenStatusOnEachChange() {
    SystemdNotifier n = new SystemdNotifier(sink, view, clock);
    n.check();
    assertThat(sent).noneMatch(s -> s.contains("READY=1"));
    polled = true;
    line = "dc1: HEALTHY, auto";
    n.check();
    assertThat(sent).contains("READY=1\nSTATUS=dc1: HEALTHY, auto");
    sent.clear();
    n.check();
    assertThat(sent).noneMatch(s -> s.startsWith("STATUS=") || s.contains("READY"));
    line = "dc1: QUORUM_LOST (VOTERS_DOWN), RECOVERING, auto";
    n.check();
    assertThat(sent).contains("STATUS=dc1: QUORUM_LOST (VOTERS_DOWN), RECOVERING, auto");
  }

  @Test
  void aStatusLineThatCannotBeBuiltDoesNotCostTheWatchdogPing() {
    SystemdNotifier n = new SystemdNotifier(sink, view, clock);
    polled = true;
    line = null; // e.g. a cluster's pause.json cannot be read: the loops still make progress
    assertThatThrownBy(n::check).isInstanceOf(java.io.UncheckedIOException.class);
    assertThat(sent).contains("WATCHDOG=1");
  }

  @Test
  void pingsTheWatchdogAtHalfItsTimeoutOnlyWhileEveryLoopIsLive() {
    SystemdNotifier n = new SystemdNotifier(sink, view, clock);
    n.check();
    assertThat(sent).contains("WATCHDOG=1");
    sent.clear();
    clock.advance(Duration.ofSeconds(10));
    n.check();
    assertThat(sent).doesNotContain("WATCHDOG=1");
    clock.advance(Duration.ofSeconds(20)); // 30 s: half of WatchdogSec=60s
    n.check();
    assertThat(sent).containsOnlyOnce("WATCHDOG=1");
    sent.clear();
    live = false; // a loop is wedged: no more pings, so systemd restarts the daemon after WatchdogSec
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(30));
      n.check();
    }
    assertThat(sent).doesNotContain("WATCHDOG=1");
  }

  @Test
  void reloadingThenReadyAndStoppingAreSent() {
    polled = true;
    SystemdNotifier n = new SystemdNotifier(sink, view, clock);
    n.check();
    sent.clear();
    n.reloading();
    assertThat(sent).singleElement().asString().startsWith("RELOADING=1\nMONOTONIC_USEC=");
    n.check();
    assertThat(sent).as("no READY while reloading").hasSize(1);
    n.reloaded();
    assertThat(sent.get(sent.size() - 1)).startsWith("READY=1\nSTATUS=");
    n.stopping();
    assertThat(sent.get(sent.size() - 1)).startsWith("STOPPING=1\nSTATUS=stopping");
  }
}
