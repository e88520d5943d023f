package io.consulwatchdog.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.consulwatchdog.config.ConfigLoader;
import io.consulwatchdog.config.CoordinationConfig;
import io.consulwatchdog.config.TlsConfig;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.ConsulLabExtension.Servers;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.recover.ActorLease;
import io.consulwatchdog.recover.AuditEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The coordinator against real engines (a one-server Consul lab, a real etcd): one holder per lock, the other a
 * standby naming it; the holder's fencing and guarded writes; a holder that stops renewing (as if killed) is
 * replaced after the engine's expiry plus lock-delay, and its fencing and writes then fail; a lost store stops
 * everyone acting; a store that is a watched cluster is refused. Rounds are driven by hand.
 */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class CoordinatorLabTest {
  private static final String CLUSTER = "dc1";
  private final Clock clock = Clock.systemUTC();
  private final List<Coordinator> opened = new ArrayList<>();

  @AfterEach
  void closeCoordinators() {
    opened.forEach(Coordinator::close);
  }

  @Test
  void etcdLeaseLockIsExclusiveFencedAndTakenOverAfterTtlAndLockDelay() throws Exception {
    try (EtcdServer etcd = EtcdServer.start()) {
      CoordinationConfig config = config(CoordinationConfig.ETCD, etcd.clientUrl(), Duration.ofSeconds(2));
      exclusiveFencedAndTakenOver(config);
    }
  }

  @Test
  void consulSessionLockIsExclusiveFencedAndTakenOverAfterTtlAndLockDelay(@Servers(1) TestLabCluster store)
      throws Exception {
    store.awaitLeader(Duration.ofSeconds(20));
    exclusiveFencedAndTakenOver(config(CoordinationConfig.CONSUL, store.servers().get(0).httpUri(),
        Duration.ofSeconds(10)));
  }

  @Test
  void aLostEtcdStopsEveryoneActingUntilItIsBack() throws Exception {
    try (EtcdServer etcd = EtcdServer.start()) {
      Coordinator a = coordinator(config(CoordinationConfig.ETCD, etcd.clientUrl(), Duration.ofSeconds(5)), "a",
          Set::of);
      roundsUntilHolding(a, Duration.ofSeconds(10));
      etcd.stop();
      a.round();
      assertThat(a.standing(CLUSTER)).isInstanceOf(ActorLease.Standing.Unavailable.class);
      assertThat(a.standing(CLUSTER).describe()).contains("store does not answer");
      assertThat(a.fence(CLUSTER)).isInstanceOf(ActorLease.Fence.Lost.class);
      etcd.restart();
      roundsUntilHolding(a, Duration.ofSeconds(15));
    }
  }

  @Test
  void aConsulStoreThatIsAWatchedClusterIsRefused(@Servers(1) TestLabCluster store) throws Exception {
    store.awaitLeader(Duration.ofSeconds(20));
    LabServer server = store.servers().get(0);
    Set<String> watched = Set.copyOf(storeNodeIds(store));
    Coordinator a = coordinator(config(CoordinationConfig.CONSUL, server.httpUri(), Duration.ofSeconds(10)), "a",
        () -> watched);
    a.round();
    assertThat(watched).isNotEmpty();
    assertThat(a.standing(CLUSTER).describe()).contains("is a watched cluster").contains(watched.iterator().next());
    assertThat(a.fence(CLUSTER)).isInstanceOf(ActorLease.Fence.Lost.class);
  }

  /** Two coordinators on one lock: exclusivity, fencing, guarded writes, and a takeover once the holder goes quiet. */
  private void exclusiveFencedAndTakenOver(CoordinationConfig config) throws Exception {
    Coordinator a = coordinator(config, "bastion-a", Set::of);
    Coordinator b = coordinator(config, "bastion-b", Set::of);
    long tokenA = roundsUntilHolding(a, config.ttl().plus(config.lockDelay()).plusSeconds(5));
    b.round();
    assertThat(b.standing(CLUSTER)).isEqualTo(new ActorLease.Standing.Standby(Optional.of("bastion-a")));
    assertThat(a.fence(CLUSTER)).isEqualTo(new ActorLease.Fence.Held(OptionalLong.of(tokenA)));
    assertThat(b.fence(CLUSTER)).isInstanceOf(ActorLease.Fence.Lost.class);

    List<AuditEvent> progress = List.of(new AuditEvent.RecoveryFinished(Instant.parse("2026-01-01T00:00:00Z"), "r1",
        CLUSTER, AuditEvent.FAILED, "a test"));
    a.share(CLUSTER, progress, OptionalLong.of(tokenA));
    assertThat(b.sharedProgress(CLUSTER)).isEqualTo(progress);
    assertThatThrownBy(() -> b.share(CLUSTER, List.of(), OptionalLong.empty()))
        .isInstanceOf(ActorLease.LeaseLostException.class);

    // a stops renewing, as if SIGKILLed: b takes over after the engine's expiry and the lock-delay
    long quiet = System.nanoTime();
    Duration bound = config.type().equals(CoordinationConfig.CONSUL) ? config.ttl().multipliedBy(2) : config.ttl();
    long tokenB = roundsUntilHolding(b, bound.plus(config.lockDelay()).plusSeconds(5));
    double took = (System.nanoTime() - quiet) / 1e9;
    System.out.printf("%s takeover after the holder went quiet: %.1f s (ttl %d s, lock-delay %d ms)%n",
        config.type(), took, config.ttl().toSeconds(), config.lockDelay().toMillis());
    assertThat(tokenB).as("fencing tokens rise from holder to holder").isGreaterThan(tokenA);
    assertThat(a.standing(CLUSTER)).as("the old holder no longer counts itself the holder")
        .isNotInstanceOf(ActorLease.Standing.Holding.class);
    assertThat(a.fence(CLUSTER)).isInstanceOf(ActorLease.Fence.Lost.class);
    assertThatThrownBy(() -> a.share(CLUSTER, List.of(), OptionalLong.of(tokenA)))
        .isInstanceOf(ActorLease.LeaseLostException.class);
    assertThat(b.sharedProgress(CLUSTER)).as("the progress survives the holder").isEqualTo(progress);
  }

  /** Runs rounds until the coordinator holds the lock; returns the fencing token. */
  private static long roundsUntilHolding(Coordinator c, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    for (int i = 0; i < 1000 && System.nanoTime() < deadline; i++) {
      c.round();
      if (c.standing(CLUSTER) instanceof ActorLease.Standing.Holding h) {
        return h.token().orElseThrow();
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not holding within " + within + ": " + c.standing(CLUSTER).describe());
  }

  private Coordinator coordinator(CoordinationConfig config, String name, Supplier<Set<String>> watched) {
    Coordinator c = new Coordinator(config, Coordinator.storeFor(config, name, System::nanoTime), name,
        System::nanoTime, new WatchdogMetrics(new SimpleMeterRegistry(), clock), List.of(CLUSTER), watched);
    opened.add(c);
    return c;
  }

  private static CoordinationConfig config(String type, URI address, Duration ttl) {
    return new CoordinationConfig(type, List.of(address), Optional.empty(), TlsConfig.defaults(), ttl,
        Duration.ofSeconds(1), "cw-test", Optional.empty(), ConfigLoader.DEFAULT_REQUEST_TIMEOUT);
  }

  private static Set<String> storeNodeIds(TestLabCluster store) throws Exception {
    return Coordinator.storeFor(config(CoordinationConfig.CONSUL, store.servers().get(0).httpUri(),
        Duration.ofSeconds(10)), "probe", System::nanoTime).serverNodeIds();
  }
}
