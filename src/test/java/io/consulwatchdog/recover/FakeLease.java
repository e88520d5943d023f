package io.consulwatchdog.recover;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An in-memory coordination lock for unit tests: its standing is set by the test, fences answer from a queue
 * (held with the current token by default), and shared progress lives in a field other leases may share.
 */
final class FakeLease implements ActorLease {
  /** The shared store of several fake leases: the progress last shared. */
  static final class Store {
    List<AuditEvent> progress = List.of();
    int writes;
  }

  private final Store store;
  private volatile Standing standing;
  final Deque<Fence> fences = new ArrayDeque<>();
  final List<OptionalLong> sharedWithTokens = new ArrayList<>();
  boolean refuseShares;

  FakeLease(Store store, Standing standing) {
    this.store = store;
    this.standing = standing;
  }

  static Standing holding(long token) {
    return new Standing.Holding(OptionalLong.of(token));
  }

  static Standing standby(String holder) {
    return new Standing.Standby(Optional.of(holder));
  }

  void set(Standing now) {
    standing = now;
  }

  @Override
  public Standing standing() {
    return standing;
  }

  @Override
  public Fence fence() {
    if (!fences.isEmpty()) {
      return fences.poll();
    }
    return standing instanceof Standing.Holding h ? new Fence.Held(h.token()) : new Fence.Lost(standing.describe());
  }

  @Override
  public void share(List<AuditEvent> progress, OptionalLong token) {
    if (refuseShares || !(standing instanceof Standing.Holding)) {
      throw new LeaseLostException("not the holder");
    }
    sharedWithTokens.add(token);
    store.progress = List.copyOf(progress);
    store.writes++;
  }

  @Override
  public List<AuditEvent> sharedProgress() {
    return store.progress;
  }
}
