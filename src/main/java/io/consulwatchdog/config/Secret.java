package io.consulwatchdog.config;

/**
 * A secret value with its source; toString never shows the value.
 *
 * @param source where it came from, e.g. "file:/etc/consul-watchdog/token" or "env:CONSUL_HTTP_TOKEN"
 * @param value the secret itself
 */
public record Secret(String source, String value) {

  /** Returns the masked form used in logs and in `validate` output. */
  @Override
  public String toString() {
    return "****** (from " + source + ")";
  }
}
