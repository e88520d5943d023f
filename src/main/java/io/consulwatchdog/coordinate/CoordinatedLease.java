package io.consulwatchdog.coordinate;

import io.consulwatchdog.recover.ActorLease;
import io.consulwatchdog.recover.AuditEvent;
import java.util.List;
import java.util.OptionalLong;

/** One cluster's view of the coordinator: the lock of that cluster, its fencing and its shared progress. */
final class CoordinatedLease implements ActorLease {
  private final Coordinator coordinator;
  private final String cluster;

  CoordinatedLease(Coordinator coordinator, String cluster) {
    this.coordinator = coordinator;
    this.cluster = cluster;
  }

  @Override
  public Standing standing() {
    return coordinator.standing(cluster);
  }

  @Override
  public Fence fence() {
    return coordinator.fence(cluster);
  }

  @Override
  public void share(List<AuditEvent> progress, OptionalLong token) {
    coordinator.share(cluster, progress, token);
  }

  @Override
  public List<AuditEvent> sharedProgress() {
    return coordinator.sharedProgress(cluster);
  }
}
