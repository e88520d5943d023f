package io.consulwatchdog.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.consul.ConsulHttp;
import io.consulwatchdog.consul.EndpointResult;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** Writes numbered keys through a lab server's KV API and reads them back. */
final class LabKeys {
  private static final int ATTEMPTS = 3;
  private static final long RETRY_MILLIS = 200;
  private static final ObjectMapper JSON = JsonMapper.compact();

  private final ConsulHttp http;

  /** Uses the lab's client (its token and TLS settings, a timeout longer than rpc_hold_timeout). */
  LabKeys(ConsulHttp http) {
    this.http = http;
  }

  /** The key name put() writes for index i: prefix/0000, prefix/0001, ... */
  static String keyName(String prefix, int i) {
    return prefix + "/" + String.format("%04d", i);
  }

  /** Writes count keys prefix/0000.. with values value-0.. through the server. */
  void put(LabServer via, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      String key = keyName(prefix, i);
      String value = "value-" + i;
      EndpointResult result = withRetry(() -> http.put(via.httpUri(), "/v1/kv/" + key, value));
      if (!(result instanceof EndpointResult.Answer a && a.status() == 200 && a.body().trim().equals("true"))) {
        throw new LabException("PUT /v1/kv/" + key + " via " + via + " failed: " + result);
      }
    }
  }

  /** Reads every key under prefix/ through the server (default consistency); key to value. */
  Map<String, String> read(LabServer via, String prefix) {
    EndpointResult result = withRetry(() -> http.get(via.httpUri(), "/v1/kv/" + prefix + "/?recurse"));
    if (result instanceof EndpointResult.Answer a && a.status() == 404) {
      return Map.of();
    }
    if (!(result instanceof EndpointResult.Answer a && a.status() == 200)) {
      throw new LabException("GET /v1/kv/" + prefix + "/?recurse via " + via + " failed: " + result);
    }
    try {
      Map<String, String> keys = new TreeMap<>();
      for (JsonNode entry : JSON.readTree(a.body())) {
        JsonNode value = entry.get("Value");
        String decoded = value == null || value.isNull() ? ""
            : new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
        keys.put(entry.get("Key").asText(), decoded);
      }
      return keys;
    } catch (IOException | RuntimeException e) {
      throw new LabException("cannot parse KV answer from " + via + ": " + e.getMessage(), e);
    }
  }

  /**
   * Retries a request twice when it got no answer (a pooled connection to a restarted server) or an
   * "ACL not found" (a follower that has not yet replicated the management token).
   */
  private static EndpointResult withRetry(Supplier<EndpointResult> request) {
    EndpointResult result = request.get();
    for (int attempt = 1; attempt < ATTEMPTS && worthRetrying(result); attempt++) {
      Pause.millis(RETRY_MILLIS);
      result = request.get();
    }
    return result;
  }

  private static boolean worthRetrying(EndpointResult result) {
    return result instanceof EndpointResult.Failure
        || result instanceof EndpointResult.Answer a && a.status() == 403 && a.body().contains("ACL not found");
  }
}
