package io.consulwatchdog.coordinate;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * etcd v3 through its JSON gRPC gateway ({@code /v3/...}, keys and values base64, int64 as strings): one
 * lease of this watchdog, kept alive every TTL/3; a lock is a key created with the lease when it does not
 * exist (a transaction comparing its create revision with 0), its create revision the fencing token (a
 * revision of the whole store: it rises from holder to holder); the key goes away with the lease. etcd has no
 * lock-delay: a lock seen free is taken only once it has stayed free for the configured lock-delay, the grace
 * Consul's lock-delay gives a holder that lost its lease to notice it.
 */
final class EtcdLockStore implements LockStore {
  private final StoreEndpoints endpoints;
  private final Duration ttl;
  private final Duration lockDelay;
  private final LongSupplier nanoTime;
  private final Map<String, Long> seenFreeSince = new ConcurrentHashMap<>();
  private final Map<String, String> lastHolder = new ConcurrentHashMap<>();
  private volatile String lease;

  EtcdLockStore(StoreEndpoints endpoints, Duration ttl, Duration lockDelay, LongSupplier nanoTime) {
    this.endpoints = endpoints;
    this.ttl = ttl;
    this.lockDelay = lockDelay;
    this.nanoTime = nanoTime;
  }

  @Override
  public boolean keepAlive() throws StoreException {
    String id = lease;
    if (id != null) {
      JsonNode kept = call("renewing lease " + id, "/v3/lease/keepalive", Map.of("ID", id));
      if (kept.path("result").path("TTL").asLong(0) > 0) {
        return true;
      }
    }
    JsonNode granted = call("granting a lease", "/v3/lease/grant", Map.of("TTL", ttl.toSeconds()));
    if (!granted.path("error").isMissingNode() || granted.path("ID").asText().isEmpty()) {
      throw new StoreException("granting a lease: " + granted);
    }
    lease = granted.path("ID").asText();
    return false;
  }

  @Override
  public Attempt acquire(String lockKey, String holder) throws StoreException {
    String id = requireLease();
    Optional<JsonNode> current = range(lockKey);
    if (current.isPresent()) {
      seenFreeSince.remove(lockKey);
      JsonNode kv = current.get();
      String value = StoreJson.decode(kv.path("value").asText(""));
      lastHolder.put(lockKey, value);
      if (id.equals(kv.path("lease").asText())) {
        return new Attempt.Acquired(kv.path("create_revision").asLong());
      }
      return new Attempt.Taken(Optional.of(value), false);
    }
    long now = nanoTime.getAsLong();
    long freeSince = seenFreeSince.computeIfAbsent(lockKey, k -> now);
    Optional<String> last = Optional.ofNullable(lastHolder.get(lockKey));
    if (now - freeSince < lockDelay.toNanos()) {
      return new Attempt.Taken(last, true);
    }
    String key = StoreJson.encode(lockKey);
    JsonNode txn = call("acquiring " + lockKey, "/v3/kv/txn", Map.of(
        "compare", List.of(Map.of("key", key, "target", "CREATE", "create_revision", "0")),
        "success", List.of(Map.of("request_put", Map.of("key", key, "value", StoreJson.encode(holder),
            "lease", id)))));
    if (!txn.path("succeeded").asBoolean(false)) {
      return new Attempt.Taken(last, false);
    }
    seenFreeSince.remove(lockKey);
    return new Attempt.Acquired(txn.path("header").path("revision").asLong());
  }

  @Override
  public boolean holds(String lockKey, long token) throws StoreException {
    String id = lease;
    Optional<JsonNode> kv = range(lockKey);
    return id != null && kv.isPresent() && id.equals(kv.get().path("lease").asText())
        && kv.get().path("create_revision").asLong() == token;
  }

  @Override
  public boolean putIfHolding(String lockKey, long token, String key, String value) throws StoreException {
    String id = requireLease();
    String lock = StoreJson.encode(lockKey);
    JsonNode txn = call("writing " + key, "/v3/kv/txn", Map.of(
        "compare", List.of(Map.of("key", lock, "target", "CREATE", "create_revision", Long.toString(token)),
            Map.of("key", lock, "target", "LEASE", "lease", id)),
        "success", List.of(Map.of("request_put", Map.of("key", StoreJson.encode(key),
            "value", StoreJson.encode(value))))));
    return txn.path("succeeded").asBoolean(false);
  }

  @Override
  public Optional<String> get(String key) throws StoreException {
    return range(key).map(kv -> StoreJson.decode(kv.path("value").asText("")));
  }

  @Override
  public void release(String lockKey) throws StoreException {
    String id = lease;
    if (id == null) {
      return;
    }
    String lock = StoreJson.encode(lockKey);
    call("releasing " + lockKey, "/v3/kv/txn", Map.of(
        "compare", List.of(Map.of("key", lock, "target", "LEASE", "lease", id)),
        "success", List.of(Map.of("request_delete_range", Map.of("key", lock)))));
  }

  @Override
  public Set<String> serverNodeIds() {
    return Set.of(); // etcd members are no Consul servers
  }

  @Override
  public void close() {
    String id = lease;
    if (id != null) {
      try {
        call("revoking lease " + id, "/v3/lease/revoke", Map.of("ID", id));
      } catch (StoreException e) {
        // the lease ends by itself after its TTL
      }
    }
    endpoints.close();
  }

  private Optional<JsonNode> range(String key) throws StoreException {
    JsonNode answer = call("reading " + key, "/v3/kv/range", Map.of("key", StoreJson.encode(key)));
    JsonNode kvs = answer.path("kvs");
    return kvs.isArray() && kvs.size() > 0 ? Optional.of(kvs.get(0)) : Optional.empty();
  }

  private JsonNode call(String what, String path, Object body) throws StoreException {
    String json = StoreJson.write(body);
    return StoreJson.parse(endpoints.ok(what, (h, u) -> h.post(u, path, json)));
  }

  private String requireLease() throws StoreException {
    String id = lease;
    if (id == null) {
      throw new StoreException("no lease yet");
    }
    return id;
  }
}
