package io.consulwatchdog.coordinate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.consulwatchdog.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** JSON and base64 as both stores speak them (keys and values are base64 in Consul's KV and etcd's gateway). */
final class StoreJson {
  private static final ObjectMapper JSON = JsonMapper.compact();

  private StoreJson() {}

  static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static JsonNode parse(String body) throws StoreException {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new StoreException("not JSON: " + body.strip());
    }
  }
}
