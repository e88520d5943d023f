package io.consulwatchdog.bench;

import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;

/** The first time something happened, on the monotonic clock (System.nanoTime); later marks are ignored. */
final class FirstMoment {
  private final AtomicReference<Long> nanos = new AtomicReference<>();

  /** Marks now, unless already marked. */
  void mark() {
    nanos.compareAndSet(null, System.nanoTime());
  }

  /** Marks the given System.nanoTime value, unless already marked. */
  void markAt(long nanoTime) {
    nanos.compareAndSet(null, nanoTime);
  }

  /** Whether it has happened. */
  boolean happened() {
    return nanos.get() != null;
  }

  /** Seconds from origin (a System.nanoTime value) to the moment; empty if it has not happened. */
  OptionalDouble secondsSince(long origin) {
    Long at = nanos.get();
    return at == null ? OptionalDouble.empty() : OptionalDouble.of((at - origin) / 1e9);
  }
}
