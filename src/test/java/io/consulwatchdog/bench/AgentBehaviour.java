package io.consulwatchdog.bench;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a simulated agent answers: after a latency of {@code latency} plus up to {@code jitter}, with its
 * captured answers or with a fault.
 */
public record AgentBehaviour(Duration latency, Duration jitter, Fault fault) {

  /** Refuses negative latency or jitter. */
  public AgentBehaviour {
    if (latency.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException("latency and jitter must not be negative: " + latency + ", " + jitter);
    }
  }

  /** Answers at once with the captured answers. */
  public static AgentBehaviour replay() {
    return new AgentBehaviour(Duration.ZERO, Duration.ZERO, Fault.NONE);
  }

  /** A copy with another fault. */
  public AgentBehaviour withFault(Fault newFault) {
    return new AgentBehaviour(latency, jitter, newFault);
  }

  /** The delay of one answer: the latency plus a uniformly random part of the jitter. */
  public long delayMillis() {
    long extra = jitter.isZero() ? 0 : ThreadLocalRandom.current().nextLong(jitter.toMillis() + 1);
    return latency.toMillis() + extra;
  }
}
