package io.consulwatchdog.daemon;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps every tick the daemon reports, and when each cluster's schedule starts (tests, benchmarks). */
public final class RecordingTickListener implements TickListener {
  private final Queue<TickTiming> ticks = new ConcurrentLinkedQueue<>(); // cheap to add to, inside a measured process
  private final Map<String, Instant> firstTicks = new ConcurrentHashMap<>();

  @Override
  public void scheduled(String cluster, Instant firstTick, Duration interval) {
    firstTicks.put(cluster, firstTick);
  }

  @Override
  public void ticked(TickTiming timing) {
    ticks.add(timing);
  }

  /** The ticks so far, in the order they ended. */
  public List<TickTiming> ticks() {
    return List.copyOf(ticks);
  }

  /** The ticks of one cluster so far. */
  public List<TickTiming> ticks(String cluster) {
    return ticks.stream().filter(t -> t.cluster().equals(cluster)).toList();
  }

  /** When the cluster's first tick was due. */
  public Instant firstTick(String cluster) {
    return firstTicks.get(cluster);
  }
}
