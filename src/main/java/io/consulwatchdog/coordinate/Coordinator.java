package io.consulwatchdog.coordinate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.consulwatchdog.config.CoordinationConfig;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.json.JsonMapper;
import io.consulwatchdog.metrics.WatchdogMetrics;
import io.consulwatchdog.recover.ActorLease;
import io.consulwatchdog.recover.AuditEvent;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This watchdog's side of the coordination engine: one session or lease, renewed every TTL/3, and one lock per
 * watched cluster, which a background round tries to take while another watchdog does not hold it. It gives
 * each cluster's loop an {@link ActorLease}: the holder stops counting itself the holder TTL after the last
 * renewal that succeeded (measured from before the request was sent), and whenever the store does not answer.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
  private static final TypeReference<List<AuditEvent>> EVENTS = new TypeReference<>() {};

  private final CoordinationConfig config;
  private final LockStore store;
  private final String instance;
  private final LongSupplier nanoTime;
  private final WatchdogMetrics metrics;
  private final Supplier<Set<String>> watchedNodeIds;
  private final Map<String, ClusterLock> locks = new LinkedHashMap<>();
  private final ScheduledExecutorService rounds;
  // written by the rounds, fences and shares (synchronized); read without the lock by standing() and status()
  private volatile long validUntil;
  private long lastRenewal;
  private boolean renewedOnce;
  private volatile String unavailable = "not connected yet";
  private volatile String identityProblem;
  private Set<String> storeNodeIds;

  Coordinator(CoordinationConfig config, LockStore store, String instance, LongSupplier nanoTime,
      WatchdogMetrics metrics, List<String> clusters, Supplier<Set<String>> watchedNodeIds) {
    this.config = config;
    this.store = store;
    this.instance = instance;
    this.nanoTime = nanoTime;
    this.metrics = metrics;
    this.watchedNodeIds = watchedNodeIds;
    clusters.forEach(c -> locks.put(c, new ClusterLock(c)));
    this.rounds = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "coordination");
      t.setDaemon(true);
      return t;
    });
    this.validUntil = nanoTime.getAsLong();
    clusters.forEach(c -> metrics.coordination(c, false, false));
  }

  /**
   * Connects to the configured store; the background rounds start with {@link #startRounds()}.
   *
   * @param clusters the watched clusters' names: one lock each
   * @param watchedNodeIds the node IDs seen in the watched clusters (lower case), which the store must not share
   */
  public static Coordinator create(CoordinationConfig config, List<String> clusters, WatchdogMetrics metrics,
      Supplier<Set<String>> watchedNodeIds) {
    String instance = config.instanceName().orElseGet(Coordinator::defaultInstanceName);
    Coordinator coordinator = new Coordinator(config, storeFor(config, instance, System::nanoTime), instance,
        System::nanoTime, metrics, clusters, watchedNodeIds);
    log.info("Coordination through {} at {} as {}: session/lease TTL {} s, lock-delay {} ms, locks under {}/lock/",
        config.type(), config.addresses(), instance, config.ttl().toSeconds(), config.lockDelay().toMillis(),
        config.keyPrefix());
    return coordinator;
  }

  /** The lock store of the configured engine, as the named instance. */
  static LockStore storeFor(CoordinationConfig config, String instance, LongSupplier nanoTime) {
    StoreEndpoints endpoints = new StoreEndpoints(config.addresses(),
        new ConsulHttp(config.requestTimeout(), config.token(), config.tls()));
    return CoordinationConfig.ETCD.equals(config.type())
        ? new EtcdLockStore(endpoints, config.ttl(), config.lockDelay(), nanoTime)
        : new ConsulLockStore(endpoints, instance, config.ttl(), config.lockDelay());
  }

  /** The host name and PID: distinct for each watchdog, also for several on one host. */
  static String defaultInstanceName() {
    String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElseGet(() -> {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "localhost";
      }
    });
    return host + "-" + ProcessHandle.current().pid();
  }

  /** Time between rounds: a fifth of the TTL, between 200 ms and 1 s. */
  Duration roundInterval() {
    long millis = Math.max(200, Math.min(1000, config.ttl().toMillis() / 5));
    return Duration.ofMillis(millis);
  }

  /** Starts the background rounds: renewals and acquisition attempts. */
  public void startRounds() {
    rounds.scheduleWithFixedDelay(this::roundSafely, 0, roundInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void roundSafely() {
    try {
      round();
    } catch (RuntimeException e) {
      log.error("Coordination round failed: {}", e.toString(), e);
    }
  }

  /**
   * One round: checks the store is no watched cluster, renews the session when due, tries each lock not held and
   * reads back each lock held (so a lost store or lock is noticed within a round).
   */
  synchronized void round() {
    long now = nanoTime.getAsLong();
    try {
      checkIdentity();
      if (identityProblem != null) {
        return;
      }
      if (!renewedOnce || now - lastRenewal >= config.ttl().toNanos() / 3) {
        renew(now);
      }
      for (ClusterLock lock : locks.values()) {
        if (!lock.held) {
          tryAcquire(lock);
        } else if (!store.holds(lockKey(lock.cluster), lock.token)) {
          lock.lost("the store no longer shows it held with token " + lock.token);
        }
      }
      becameAvailable();
    } catch (StoreException e) {
      becameUnavailable("the " + config.type() + " store does not answer: " + e.getMessage());
    } finally {
      export();
    }
  }

  /** The watched clusters' node IDs must not be the store's: a leaderless watched cluster serves no locks. */
  private void checkIdentity() throws StoreException {
    if (identityProblem != null) {
      return;
    }
    if (storeNodeIds == null) {
      storeNodeIds = Set.copyOf(store.serverNodeIds());
    }
    Set<String> shared = new HashSet<>(storeNodeIds);
    shared.retainAll(watchedNodeIds.get());
    if (!shared.isEmpty()) {
      identityProblem = "the coordination store at " + config.addresses() + " is a watched cluster (its servers "
          + "have the node IDs " + shared + "): coordinate through a different cluster";
      log.error("Coordination refused: {}", identityProblem);
      locks.values().forEach(l -> l.lost("the store is a watched cluster"));
    }
  }

  private void renew(long sentAt) throws StoreException {
    boolean kept = store.keepAlive();
    if (!kept) {
      locks.values().stream().filter(l -> l.held).forEach(l -> l.lost("its session or lease had ended"));
    }
    renewedOnce = true;
    lastRenewal = sentAt;
    validUntil = sentAt + config.ttl().toNanos();
  }

  private void tryAcquire(ClusterLock lock) throws StoreException {
    LockStore.Attempt attempt = store.acquire(lockKey(lock.cluster), instance);
    if (attempt instanceof LockStore.Attempt.Acquired acquired) {
      lock.acquired(acquired.token());
    } else {
      LockStore.Attempt.Taken taken = (LockStore.Attempt.Taken) attempt;
      lock.holder = taken.delayed() ? Optional.of("nobody yet (lock-delay after " + taken.holder()
          .orElse("the last holder") + ")") : taken.holder();
    }
  }

  private void becameAvailable() {
    if (unavailable != null) {
      log.info("Coordination store available again ({})", config.addresses());
      unavailable = null;
    }
  }

  private void becameUnavailable(String reason) {
    if (!reason.equals(unavailable)) {
      log.warn("Coordination unavailable: {}; no new recovery starts", reason);
    }
    unavailable = reason;
  }

  private void export() {
    long now = nanoTime.getAsLong();
    boolean available = unavailable == null && identityProblem == null;
    locks.values().forEach(l -> metrics.coordination(l.cluster, available, l.held && now < validUntil));
  }

  /** Where this watchdog stands for the cluster now, from the last round's knowledge (never waits for a round). */
  ActorLease.Standing standing(String cluster) {
    ClusterLock lock = lock(cluster);
    String refused = identityProblem;
    String down = unavailable;
    if (refused != null || down != null) {
      return new ActorLease.Standing.Unavailable(refused != null ? refused : down);
    }
    long token = lock.token;
    if (lock.held) {
      return nanoTime.getAsLong() < validUntil ? new ActorLease.Standing.Holding(OptionalLong.of(token))
          : new ActorLease.Standing.Unavailable("the session or lease was not renewed within its TTL");
    }
    return new ActorLease.Standing.Standby(lock.holder);
  }

  /** Renews now and reads the lock back: the proof a destructive step needs. */
  synchronized ActorLease.Fence fence(String cluster) {
    ClusterLock lock = lock(cluster);
    ActorLease.Standing now = standing(cluster);
    if (!(now instanceof ActorLease.Standing.Holding)) {
      return new ActorLease.Fence.Lost(now.describe());
    }
    try {
      renew(nanoTime.getAsLong());
      if (!lock.held) {
        return new ActorLease.Fence.Lost("the session or lease had ended");
      }
      if (!store.holds(lockKey(cluster), lock.token)) {
        lock.lost("the store no longer shows it held with token " + lock.token);
        return new ActorLease.Fence.Lost("the lock is no longer held with fencing token " + lock.token);
      }
      return new ActorLease.Fence.Held(OptionalLong.of(lock.token));
    } catch (StoreException e) {
      becameUnavailable("the " + config.type() + " store does not answer: " + e.getMessage());
      return new ActorLease.Fence.Lost(unavailable);
    } finally {
      export();
    }
  }

  /** Writes the recovery's progress under the lock; throws LeaseLostException when it is not held. */
  synchronized void share(String cluster, List<AuditEvent> progress, OptionalLong token) {
    ClusterLock lock = lock(cluster);
    if (!lock.held || (token.isPresent() && token.getAsLong() != lock.token)) {
      throw new ActorLease.LeaseLostException("this watchdog does not hold the lock of cluster " + cluster
          + (token.isPresent() ? " with fencing token " + token.getAsLong() : ""));
    }
    if (nanoTime.getAsLong() >= validUntil) {
      throw new ActorLease.LeaseLostException("the session or lease was not renewed within its TTL");
    }
    try {
      String json = JsonMapper.compact().writerFor(EVENTS).writeValueAsString(progress);
      if (!store.putIfHolding(lockKey(cluster), lock.token, progressKey(cluster), json)) {
        lock.lost("a write guarded by it was refused");
        throw new ActorLease.LeaseLostException("the store refused the write: the lock is no longer held");
      }
    } catch (StoreException e) {
      becameUnavailable("the " + config.type() + " store does not answer: " + e.getMessage());
      throw new ActorLease.LeaseLostException(unavailable);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the recovery progress as JSON", e);
    }
  }

  /** The progress the last holder shared for the cluster. */
  List<AuditEvent> sharedProgress(String cluster) {
    try {
      Optional<String> json = store.get(progressKey(cluster));
      return json.isEmpty() || json.get().isBlank() ? List.of() : JsonMapper.compact().readValue(json.get(), EVENTS);
    } catch (StoreException e) {
      throw new ActorLease.LeaseLostException("the " + config.type() + " store does not answer: " + e.getMessage());
    } catch (JsonProcessingException e) {
      throw new ActorLease.LeaseLostException("the shared progress at " + progressKey(cluster)
          + " is not a list of journal events: " + e.getOriginalMessage());
    }
  }

  /** The lease one cluster's loop asks. */
  public ActorLease lease(String cluster) {
    lock(cluster);
    return new CoordinatedLease(this, cluster);
  }

  /** What /health shows for a cluster: this watchdog's name and standing, the holder, the token. */
  public Map<String, Object> status(String cluster) {
    ClusterLock lock = lock(cluster);
    Map<String, Object> out = new LinkedHashMap<>();
    ActorLease.Standing standing = standing(cluster);
    out.put("type", config.type());
    out.put("instance", instance);
    out.put("available", identityProblem == null && unavailable == null);
    out.put("holding", standing instanceof ActorLease.Standing.Holding);
    out.put("holder", standing instanceof ActorLease.Standing.Holding ? instance : lock.holder.orElse("unknown"));
    if (lock.held) {
      out.put("fencingToken", lock.token);
    }
    out.put("standing", standing.describe());
    return out;
  }

  String lockKey(String cluster) {
    return config.keyPrefix() + "/lock/" + cluster;
  }

  String progressKey(String cluster) {
    return config.keyPrefix() + "/progress/" + cluster;
  }

  private ClusterLock lock(String cluster) {
    ClusterLock lock = locks.get(cluster);
    if (lock == null) {
      throw new IllegalArgumentException("no coordination lock for cluster " + cluster);
    }
    return lock;
  }

  /** Stops the rounds, releases every lock held (a clean handover, without lock-delay) and ends the session. */
  @Override
  public void close() {
    rounds.shutdownNow();
    try {
      rounds.awaitTermination(config.requestTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      for (ClusterLock lock : locks.values()) {
        if (lock.held) {
          try {
            store.release(lockKey(lock.cluster));
            log.info("cluster {}: coordination lock released", lock.cluster);
          } catch (StoreException e) {
            log.warn("cluster {}: the coordination lock could not be released ({}); it ends with the session",
                lock.cluster, e.getMessage());
          }
          lock.lost("this watchdog stops");
        }
      }
      store.close();
    }
  }

  /** The lock of one cluster as this watchdog knows it. */
  private static final class ClusterLock {
    final String cluster;
    volatile boolean held;
    volatile long token;
    volatile Optional<String> holder = Optional.empty();

    ClusterLock(String cluster) {
      this.cluster = cluster;
    }

    void acquired(long newToken) {
      if (!held || newToken != token) {
        log.info("cluster {}: this watchdog now holds the coordination lock (fencing token {})", cluster, newToken);
      }
      held = true;
      token = newToken;
      holder = Optional.empty();
    }

    void lost(String why) {
      if (held) {
        log.warn("cluster {}: coordination lock lost: {}", cluster, why);
      }
      held = false;
    }
  }
}
