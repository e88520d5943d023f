package io.consulwatchdog.coordinate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.consulwatchdog.config.RecoveryConfig;
import io.consulwatchdog.lab.ConsulLabExtension;
import io.consulwatchdog.lab.ConsulLabExtension.Servers;
import io.consulwatchdog.lab.LabServer;
import io.consulwatchdog.lab.TestLabCluster;
import io.consulwatchdog.recover.AuditEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 with real processes: several `run` watchdogs on one config (each its own state dir) against a Consul
 * lab cluster, coordinated through a separate store (a second Consul lab, or a real etcd). Exactly one of them
 * recovers; a lost store stops every recovery and /health and /metrics say why; a standby takes over a recovery
 * whose actor was SIGKILLed after its stops, puts the servers back, and the cluster heals.
 */
@Tag("lab")
@ExtendWith(ConsulLabExtension.class)
class HighAvailabilityLabTest {
  private static final int KEYS = 20;
  @TempDir Path dir;
  private final List<ChildWatchdog> watchdogs = new ArrayList<>();

  @AfterEach
  void killWatchdogs() {
    watchdogs.forEach(ChildWatchdog::close);
    for (ChildWatchdog w : watchdogs) { // the end of each watchdog's log, in the test's report
      List<String> lines = w.output().lines().toList();
      System.out.println("---- watchdog " + w.name() + " (last lines) ----");
      lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.out::println);
    }
  }

  @Test
  void threeWatchdogsOnAConsulStoreRecoverOnceAndNotWhileTheStoreIsDown(TestLabCluster lab,
      @Servers(1) TestLabCluster store) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    LabServer storeServer = store.servers().get(0);
    store.awaitLeader(Duration.ofSeconds(20));
    lab.putKeys("kept", KEYS);
    String cluster = clusterName(lab);
    String coordination = "coordination:\n  type: consul\n  addresses: [\"" + storeServer.httpUri() + "\"]\n"
        + "  ttl: 10s\n  lock_delay: 1s\n  instance_name: INSTANCE\n  request_timeout: 1s\n";
    List<String> names = List.of("a", "b", "c");
    names.forEach(name -> ChildWatchdog.knowHealthyCluster(dir, name, lab));
    store.stop(storeServer.name());
    LabServer leader = lab.awaitLeader(Duration.ofSeconds(10));
    String follower = otherThan(lab, Set.of(leader.name()));
    lab.replace(List.of(leader.name(), follower)); // the config lists the servers as they are now
    for (String name : names) {
      watchdogs.add(ChildWatchdog.start(name, dir, lab, coordination, Map.of()));
    }

    await("every watchdog confirms the outage and does not act").atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(500)).until(() -> watchdogs.stream().allMatch(w -> w.health(cluster)
            .map(h -> h.path("recovery").asText().equals("CONFIRMED")).orElse(false)));
    Thread.sleep(3000); // three more polls, each of them confirmed and held back
    for (ChildWatchdog w : watchdogs) {
      assertThat(w.recoveriesPlanned(cluster)).as(w.name() + " started no recovery without the store").isEmpty();
      assertThat(w.health(cluster).orElseThrow().path("coordination").path("standing").asText())
          .contains("coordination unavailable").contains("does not answer");
      assertThat(w.metrics()).contains("consul_watchdog_coordination_available{cluster=\"" + cluster + "\"} 0")
          .contains("consul_watchdog_recovery_blocked{cluster=\"" + cluster
              + "\",reason=\"coordination_unavailable\"} 1");
      assertThat(w.output()).contains("no recovery starts: coordination unavailable");
    }

    long restored = System.nanoTime();
    store.start(storeServer.name());
    awaitOneHolder(cluster, Duration.ofSeconds(30));
    await("the cluster heals once the store is back").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1)).until(() -> watchdogs.stream()
            .anyMatch(w -> w.journal(cluster).stream().anyMatch(e -> e instanceof AuditEvent.RecoveryFinished f
                && f.outcome().equals(AuditEvent.SUCCEEDED))));
    System.out.printf("consul store: restored to recovery succeeded in %.1f s%n",
        (System.nanoTime() - restored) / 1e9);
    lab.awaitLeader(Duration.ofSeconds(20));
    assertThat(lab.readKeys("kept")).hasSize(KEYS);
    Map<String, List<String>> planned = watchdogs.stream()
        .collect(Collectors.toMap(ChildWatchdog::name, w -> w.recoveriesPlanned(cluster)));
    assertThat(planned.values().stream().mapToInt(List::size).sum()).as("exactly one recovery in all journals: "
        + planned).isEqualTo(1);
    assertFencingTokensJournaled(cluster);
    await("normal again: the store available to every watchdog").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500)).until(() -> watchdogs.stream().allMatch(w -> w.metrics()
            .contains("consul_watchdog_coordination_available{cluster=\"" + cluster + "\"} 1")));

    // the holder dies (SIGKILL): one standby takes the lock once Consul ends the session (<= 2 x TTL) plus lock-delay
    ChildWatchdog holder = watchdogs.stream().filter(w -> w.holds(cluster)).findFirst().orElseThrow();
    assertThat(holder.metrics()).contains("consul_watchdog_coordination_lock_held{cluster=\"" + cluster + "\"} 1");
    long killed = System.nanoTime();
    holder.kill();
    List<ChildWatchdog> standbys = watchdogs.stream().filter(w -> w != holder).toList();
    await("a standby takes over").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
        .until(() -> standbys.stream().filter(w -> w.holds(cluster)).count() == 1);
    System.out.printf("consul store: a standby holds the lock %.1f s after the holder was SIGKILLed (ttl 10 s, "
        + "lock-delay 1 s)%n", (System.nanoTime() - killed) / 1e9);
  }

  @Test
  void aStandbyTakesOverFromAnActorKilledAfterItsStopsOnEtcd(TestLabCluster lab) throws Exception {
    lab.awaitLeader(Duration.ofSeconds(20));
    lab.putKeys("kept", KEYS);
    String cluster = clusterName(lab);
    LabServer leader = lab.awaitLeader(Duration.ofSeconds(10));
    String follower = otherThan(lab, Set.of(leader.name()));
    String survivor = otherThan(lab, Set.of(leader.name(), follower));
    // the survivor's first start hangs (the actor is SIGKILLed in that step); later starts run its ctl.sh
    Path hangPid = dir.resolve("hanging-start.pid");
    Path hangOnce = dir.resolve("start-hangs-once.sh");
    Files.writeString(hangOnce, "#!/bin/sh\nif mkdir " + dir.resolve("hung") + " 2>/dev/null; then echo $$ > "
        + hangPid + "; exec sleep 600; fi\nexec " + lab.server(survivor).ctlScript() + " start\n");
    hangOnce.toFile().setExecutable(true);
    try (EtcdServer etcd = EtcdServer.start()) {
      String coordination = "coordination:\n  type: etcd\n  addresses: [\"" + etcd.clientUrl() + "\"]\n"
          + "  ttl: 3s\n  lock_delay: 1s\n  instance_name: INSTANCE\n  request_timeout: 1s\n";
      List<String> names = List.of("a", "b");
      names.forEach(name -> ChildWatchdog.knowHealthyCluster(dir, name, lab));
      lab.replace(List.of(leader.name(), follower)); // the config lists the servers as they are now
      for (String name : names) {
        watchdogs.add(ChildWatchdog.start(name, dir, lab, coordination, Map.of(survivor, List.of(hangOnce.toString()))));
      }
      awaitOneHolder(cluster, Duration.ofSeconds(30));

      await("the actor is in the start step after stopping the servers").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200)).until(() -> Files.exists(hangPid) && actorInStart(cluster, survivor));
      ChildWatchdog actor = watchdogs.stream().filter(w -> w.holds(cluster)).findFirst().orElseThrow();
      ChildWatchdog standby = watchdogs.stream().filter(w -> w != actor).findFirst().orElseThrow();
      assertThat(lab.servers()).as("the actor stopped every server").noneMatch(LabServer::running);
      long killed = System.nanoTime();
      actor.kill();
      killHangingStart(hangPid);

      await("the standby takes the lock").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .until(() -> standby.holds(cluster));
      double takeover = (System.nanoTime() - killed) / 1e9;
      System.out.printf("etcd: standby holds the lock %.1f s after the actor was SIGKILLed (ttl 3 s, lock-delay 1 s)%n",
          takeover);
      await("the standby puts the servers back and the cluster heals").atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1)).until(() -> lab.servers().stream().allMatch(LabServer::running)
              && standby.journal(cluster).stream().anyMatch(e -> e instanceof AuditEvent.RecoveryFinished f
                  && f.outcome().equals(AuditEvent.SUCCEEDED)));
      System.out.printf("etcd: actor SIGKILLed to cluster healed by the standby in %.1f s%n",
          (System.nanoTime() - killed) / 1e9);
      lab.awaitLeader(Duration.ofSeconds(20));
      assertThat(lab.readKeys("kept")).hasSize(KEYS);

      String interrupted = actor.recoveriesPlanned(cluster).get(0);
      assertThat(actor.recoveriesPlanned(cluster)).containsExactly(interrupted);
      List<AuditEvent> taken = standby.journal(cluster);
      assertThat(standby.recoveriesPlanned(cluster)).as(standby.output()).startsWith(interrupted);
      assertThat(taken).as("the standby undid what the actor's recovery changed")
          .anyMatch(e -> e instanceof AuditEvent.UndoFinished u && u.recoveryId().equals(interrupted) && u.success());
      assertThat(standby.output()).contains("taking over recovery " + interrupted + " from the coordination store");
      assertFencingTokensJournaled(cluster);
    }
  }

  /** Every destructive step journaled by any watchdog carries a fencing token. */
  private void assertFencingTokensJournaled(String cluster) {
    List<AuditEvent.StepStarted> destructive = watchdogs.stream().flatMap(w -> w.journal(cluster).stream())
        .filter(e -> e instanceof AuditEvent.StepStarted s && s.destructive()).map(AuditEvent.StepStarted.class::cast)
        .toList();
    assertThat(destructive).as(destructive.toString()).isNotEmpty().allMatch(s -> s.fencingToken() != null && s.fencingToken() > 0);
  }

  private boolean actorInStart(String cluster, String survivor) {
    return watchdogs.stream().anyMatch(w -> w.journal(cluster).stream()
        .anyMatch(e -> e instanceof AuditEvent.StepStarted s && s.step().equals("start agent " + survivor)));
  }

  /** Waits until exactly one watchdog holds the cluster's lock and every watchdog names it as the holder. */
  private void awaitOneHolder(String cluster, Duration within) {
    await("exactly one watchdog holds the lock and every watchdog names it").atMost(within)
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          Set<String> holders = new HashSet<>();
          watchdogs.forEach(w -> holders.add(w.health(cluster).map(h -> h.path("coordination").path("holder")
              .asText()).orElse("?")));
          return watchdogs.stream().filter(w -> w.holds(cluster)).count() == 1 && holders.size() == 1;
        });
  }

  /** Kills, by the PID it wrote, the start command the killed actor left hanging. */
  private static void killHangingStart(Path pidFile) throws IOException {
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  private static String clusterName(TestLabCluster lab) {
    return lab.cluster().clusterConfig(RecoveryConfig.defaults()).name();
  }

  private static String otherThan(TestLabCluster lab, Set<String> names) {
    return lab.servers().stream().map(LabServer::name).filter(n -> !names.contains(n)).findFirst().orElseThrow();
  }
}
