package io.consulwatchdog.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is (Type=notify): READY=1 once every cluster was polled, STATUS= with a
 * one-line summary when it changes, WATCHDOG=1 at half of WatchdogSec= but only while every cluster's loop
 * makes progress (a wedged loop stops the pings and systemd restarts the daemon), RELOADING=1 and READY=1
 * around a reload, STOPPING=1 on shutdown.
 */
final class SystemdNotifier implements AutoCloseable {
  /** How often the daemon's state is looked at (readiness, summary, liveness). */
  static final Duration CHECK_EVERY = Duration.ofMillis(500);
  private static final Logger log = LoggerFactory.getLogger(SystemdNotifier.class);

  /** Where notifications go (libsystemd's sd_notify, or nowhere). */
  interface Sink {
    /** Nowhere: not a Type=notify service. */
    Sink NONE = new Sink() {
      @Override
      public boolean send(String state) {
        return false;
      }

      @Override
      public long watchdogMicros() {
        return 0;
      }
    };

    /** Sends newline-separated assignments; true when sent. */
    boolean send(String state);

    /** WatchdogSec= in microseconds when the watchdog is on for this process, else 0. */
    long watchdogMicros();
  }

  /** What the notifier reports on. */
  interface View {
    /** True once every cluster was polled once. */
    boolean allPolled();

    /** True while every cluster's loop makes progress. */
    boolean allLive();

    /** One line about every cluster. */
    String summaryLine();
  }

  private final Sink sink;
  private final View view;
  private final Clock clock;
  private final Duration pingEvery;
  private ScheduledExecutorService timer;
  private boolean ready;
  private boolean reloading;
  private boolean stopped;
  private String lastStatus = "";
  private Instant lastPing = Instant.MIN;

  SystemdNotifier(Sink sink, View view, Clock clock) {
    this.sink = sink;
    this.view = view;
    this.clock = clock;
    this.pingEvery = Duration.ofNanos(sink.watchdogMicros() * 1000 / 2);
  }

  /** A notifier for this process that looks at the daemon every {@link #CHECK_EVERY}; idle outside systemd. */
  static SystemdNotifier start(View view, Clock clock) {
    SystemdNotifier notifier = new SystemdNotifier(SdNotify.forThisProcess(), view, clock);
    if (notifier.sink != Sink.NONE) {
      notifier.timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "systemd-notify");
        t.setDaemon(true);
        return t;
      });
      notifier.timer.scheduleWithFixedDelay(notifier::checkSafely, 0, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      log.info("Type=notify: READY=1 after the first poll of every cluster{}", notifier.pingEvery.isZero() ? ""
          : "; WATCHDOG=1 every " + notifier.pingEvery.toMillis() + " ms while every loop makes progress");
    }
    return notifier;
  }

  private void checkSafely() {
    try {
      check();
    } catch (RuntimeException e) {
      log.warn("systemd notification failed: {}", e.toString());
    }
  }

  /** Sends what is due now: a WATCHDOG=1 ping, READY=1 and the first STATUS=, a changed STATUS=. */
  synchronized void check() {
    if (stopped) {
      return;
    }
    // the ping first: a status line that cannot be built (a file that cannot be read) must not cost it
    Instant now = clock.instant();
    if (!pingEvery.isZero() && !now.isBefore(lastPing.plus(pingEvery)) && view.allLive()) {
      sink.send("WATCHDOG=1");
      lastPing = now;
    }
    if (!ready && !reloading && view.allPolled()) {
      lastStatus = view.summaryLine();
      sink.send("READY=1\nSTATUS=" + oneLine(lastStatus));
      ready = true;
    } else if (ready && !reloading) {
      String line = view.summaryLine();
      if (!line.equals(lastStatus)) {
        lastStatus = line;
        sink.send("STATUS=" + oneLine(line));
      }
    }
  }

  /** A reload starts. */
  synchronized void reloading() {
    if (stopped) { // a reload during shutdown: systemd has been told STOPPING=1, nothing more
      return;
    }
    reloading = true;
    sink.send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000); // HotSpot on Linux: CLOCK_MONOTONIC
  }

  /** A reload ended (taken up or refused): ready again. */
  synchronized void reloaded() {
    if (stopped) {
      return;
    }
    reloading = false;
    lastStatus = view.summaryLine();
    sink.send("READY=1\nSTATUS=" + oneLine(lastStatus));
    ready = true;
  }

  /** The daemon stops: told first thing, and nothing more is sent. */
  synchronized void stopping() {
    if (!stopped) {
      sink.send("STOPPING=1\nSTATUS=stopping: a recovery under way finishes its step and undoes what it changed");
      stopped = true;
    }
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  @Override
  public void close() {
    stopping();
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
