package io.consulwatchdog.coordinate;

import com.fasterxml.jackson.databind.JsonNode;
import io.consulwatchdog.consul.EndpointResult;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Consul's sessions and KV locks (the semantics of `consul lock`) on a Consul cluster that is not a watched
 * one. The session is TTL-only (no node or serf checks: the watchdog is not that agent's node), with behavior
 * "release": when it ends, its locks are released and stay unavailable for the lock-delay, and the lock key
 * and its LockIndex (the fencing token) survive, so the token keeps rising from holder to holder ("delete"
 * would delete the key, and the next holder's LockIndex would start at 1 again). Guarded writes are
 * transactions whose first operation checks that the session still holds the lock.
 */
final class ConsulLockStore implements LockStore {
  private final StoreEndpoints endpoints;
  private final String name;
  private final Duration ttl;
  private final Duration lockDelay;
  private volatile String session;

  ConsulLockStore(StoreEndpoints endpoints, String name, Duration ttl, Duration lockDelay) {
    this.endpoints = endpoints;
    this.name = name;
    this.ttl = ttl;
    this.lockDelay = lockDelay;
  }

  @Override
  public boolean keepAlive() throws StoreException {
    String id = session;
    if (id != null) {
      EndpointResult.Answer a = endpoints.send((h, u) -> h.put(u, "/v1/session/renew/" + id, ""));
      if (a.status() == 200 && !a.body().strip().equals("null")) {
        return true;
      }
      if (a.status() != 404) {
        throw new StoreException("renewing session " + id + ": HTTP " + a.status() + " " + a.body().strip());
      }
    }
    String body = StoreJson.write(Map.of("Name", "consul-watchdog " + name, "TTL", ttl.toSeconds() + "s",
        "LockDelay", lockDelay.toMillis() + "ms", "Behavior", "release", "Checks", List.of(),
        "NodeChecks", List.of()));
    JsonNode created = StoreJson.parse(endpoints.ok("creating a session", (h, u) -> h.put(u, "/v1/session/create", body)));
    session = created.path("ID").asText();
    return false;
  }

  @Override
  public Attempt acquire(String lockKey, String holder) throws StoreException {
    String id = requireSession();
    String answer = endpoints.ok("acquiring " + lockKey, (h, u) -> h.put(u, kv(lockKey) + "?acquire=" + id, holder));
    Optional<JsonNode> entry = entry(lockKey);
    if (answer.strip().equals("true") && entry.isPresent() && id.equals(entry.get().path("Session").asText())) {
      return new Attempt.Acquired(entry.get().path("LockIndex").asLong());
    }
    Optional<String> last = entry.map(e -> StoreJson.decode(e.path("Value").asText("")));
    boolean free = entry.map(e -> e.path("Session").asText("").isEmpty()).orElse(true);
    return new Attempt.Taken(last.filter(v -> !v.isEmpty()), free);
  }

  @Override
  public boolean holds(String lockKey, long token) throws StoreException {
    String id = session;
    Optional<JsonNode> entry = entry(lockKey);
    return id != null && entry.isPresent() && id.equals(entry.get().path("Session").asText())
        && entry.get().path("LockIndex").asLong() == token;
  }

  @Override
  public boolean putIfHolding(String lockKey, long token, String key, String value) throws StoreException {
    String id = requireSession();
    String ops = StoreJson.write(List.of(
        Map.of("KV", Map.of("Verb", "check-session", "Key", lockKey, "Session", id)),
        Map.of("KV", Map.of("Verb", "set", "Key", key, "Value", StoreJson.encode(value)))));
    EndpointResult.Answer a = endpoints.send((h, u) -> h.put(u, "/v1/txn", ops));
    if (a.status() == 200) {
      return holds(lockKey, token);
    }
    if (a.status() == 409) {
      return false;
    }
    throw new StoreException("writing " + key + ": HTTP " + a.status() + " " + a.body().strip());
  }

  @Override
  public Optional<String> get(String key) throws StoreException {
    return entry(key).map(e -> StoreJson.decode(e.path("Value").asText("")));
  }

  @Override
  public void release(String lockKey) throws StoreException {
    String id = session;
    if (id != null) {
      endpoints.ok("releasing " + lockKey, (h, u) -> h.put(u, kv(lockKey) + "?release=" + id, ""));
    }
  }

  @Override
  public Set<String> serverNodeIds() throws StoreException {
    JsonNode config = StoreJson.parse(endpoints.ok("reading the raft configuration",
        (h, u) -> h.get(u, "/v1/operator/raft/configuration?stale")));
    Set<String> ids = new HashSet<>();
    config.path("Servers").forEach(s -> ids.add(s.path("ID").asText().toLowerCase(Locale.ROOT)));
    return ids;
  }

  @Override
  public void close() {
    String id = session;
    if (id != null) {
      try {
        endpoints.send((h, u) -> h.put(u, "/v1/session/destroy/" + id, ""));
      } catch (StoreException e) {
        // the session ends by itself after its TTL
      }
    }
    endpoints.close();
  }

  private Optional<JsonNode> entry(String key) throws StoreException {
    EndpointResult.Answer a = endpoints.send((h, u) -> h.get(u, kv(key) + "?consistent"));
    if (a.status() == 404) {
      return Optional.empty();
    }
    if (a.status() != 200) {
      throw new StoreException("reading " + key + ": HTTP " + a.status() + " " + a.body().strip());
    }
    JsonNode list = StoreJson.parse(a.body());
    return list.isArray() && list.size() > 0 ? Optional.of(list.get(0)) : Optional.empty();
  }

  private String requireSession() throws StoreException {
    String id = session;
    if (id == null) {
      throw new StoreException("no session yet");
    }
    return id;
  }

  private static String kv(String key) {
    return "/v1/kv/" + key;
  }
}
