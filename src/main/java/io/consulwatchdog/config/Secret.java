package io.consulwatchdog.config;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A secret value with its source; toString and JSON/YAML serialization never show the value.
 *
 * @param source where it came from, e.g. "file:/etc/consul-watchdog/token" or "env:CONSUL_HTTP_TOKEN"
 * @param value the secret itself
 */
public record Secret(String source, String value) {

  /** Returns the masked form used in logs, in `validate` output and wherever Jackson writes a Secret. */
  @JsonValue
  @Override
  public String toString() {
    return "****** (from " + source + ")";
  }
}
