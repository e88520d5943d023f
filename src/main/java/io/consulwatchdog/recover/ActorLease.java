package io.consulwatchdog.recover;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether this watchdog may decide and act on one cluster: the lock of a coordination engine as the
 * reconciler and the plan runner see it. Every watchdog observes and diagnoses; only the holder plans and
 * runs steps, proves before each destructive step that it still holds the lock ({@link #fence}), and shares
 * the recovery's progress through the store, so that a new holder resumes it. {@link #solo()} is the lease
 * of a watchdog that acts alone (no coordination).
 */
public interface ActorLease {

  /** Where this watchdog stands for the cluster now (cheap: no request to the store). */
  Standing standing();

  /**
   * Proves, right before a destructive step, that this watchdog still holds the lock with an unchanged
   * fencing token (the session or lease renewed and the lock read back, linearizably): the token, or why not.
   */
  Fence fence();

  /**
   * Stores the progress of the recovery under way (its events so far) in the coordination store, on the
   * condition that this watchdog still holds the lock with that token; throws {@link LeaseLostException}
   * when the condition fails or the store cannot be reached.
   */
  void share(List<AuditEvent> progress, OptionalLong token);

  /** The progress the last holder stored: its recovery's events (empty when none); throws LeaseLostException. */
  List<AuditEvent> sharedProgress();

  /** True when no coordination engine is configured: this watchdog always acts, and nothing is shared. */
  default boolean solo() {
    return false;
  }

  /** The lease of a watchdog that acts alone: always the holder, no token, nothing shared. */
  static ActorLease alone() {
    return Alone.INSTANCE;
  }

  /** Where a watchdog stands for one cluster. */
  sealed interface Standing {
    /** One line for logs and /health. */
    String describe();

    /**
     * This watchdog holds the lock.
     *
     * @param token the fencing token of this holding, empty when acting alone
     */
    record Holding(OptionalLong token) implements Standing {
      @Override
      public String describe() {
        return token.isPresent() ? "holds the lock (fencing token " + token.getAsLong() + ")" : "acts alone";
      }
    }

    /**
     * Another watchdog holds the lock, or held it last and its lock-delay has not passed.
     *
     * @param holder the holder's name, if known
     */
    record Standby(Optional<String> holder) implements Standing {
      @Override
      public String describe() {
        return "standby: " + holder.orElse("another watchdog") + " acts";
      }
    }

    /**
     * The coordination store cannot say who may act: no new recovery starts.
     *
     * @param reason why, in one sentence
     */
    record Unavailable(String reason) implements Standing {
      @Override
      public String describe() {
        return "coordination unavailable: " + reason;
      }
    }
  }

  /** The outcome of {@link #fence}. */
  sealed interface Fence {
    /**
     * The lock is still held.
     *
     * @param token the fencing token to journal with the step, empty when acting alone
     */
    record Held(OptionalLong token) implements Fence {}

    /**
     * The lock is lost or cannot be proven held: the step must not run.
     *
     * @param reason why
     */
    record Lost(String reason) implements Fence {}
  }

  /** The store refused a write guarded by the lock, or could not be reached. */
  final class LeaseLostException extends RuntimeException {
    /** An exception with the reason. */
    public LeaseLostException(String reason) {
      super(reason);
    }
  }

  /** The lease of a lone watchdog. */
  enum Alone implements ActorLease {
    /** The only instance. */
    INSTANCE;

    @Override
    public Standing standing() {
      return new Standing.Holding(OptionalLong.empty());
    }

    @Override
    public Fence fence() {
      return new Fence.Held(OptionalLong.empty());
    }

    @Override
    public void share(List<AuditEvent> progress, OptionalLong token) {
      // nothing is shared
    }

    @Override
    public List<AuditEvent> sharedProgress() {
      return List.of();
    }

    @Override
    public boolean solo() {
      return true;
    }
  }
}
