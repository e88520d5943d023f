package io.consulwatchdog.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A secret value with its source; toString and JSON/YAML serialization never show the value.
 *
 * @param source where it came from, e.g. "file:/etc/consul-watchdog/token" or "env:CONSUL_HTTP_TOKEN"
 * @param value the secret itself
 */
public record Secret(String source, String value) {

  /** The file the secret was read from, when it came from a file. */
  public Optional<Path> file() {
    return source.startsWith("file:") ? Optional.of(Path.of(source.substring("file:".length()))) : Optional.empty();
  }

  /** Returns the masked form used in logs, in `validate` output and wherever Jackson writes a Secret. */
  @JsonValue
  @Override
  public String toString() {
    return "****** (from " + source + ")";
  }
}
