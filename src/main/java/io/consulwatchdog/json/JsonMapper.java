package io.consulwatchdog.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The project's one Jackson setup: ISO-8601 instants and durations, Optional-aware, lenient on reading.
 * The mappers are shared and must not be reconfigured; {@link ObjectMapper#copy()} one to change it.
 */
public final class JsonMapper {
  private static final ObjectMapper COMPACT = configure(new ObjectMapper());
  private static final ObjectMapper PRETTY = COMPACT.copy().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper YAML =
      configure(new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)));

  private JsonMapper() {}

  private static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .registerModule(new Jdk8Module())
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** The mapper that writes compact one-line JSON (plans, audit journal, state files, Consul's answers). */
  public static ObjectMapper compact() {
    return COMPACT;
  }

  /** The mapper that writes indented JSON for people (command output, /health, topology.json). */
  public static ObjectMapper pretty() {
    return PRETTY;
  }

  /** The mapper for YAML (the config file), with the same modules. */
  public static ObjectMapper yaml() {
    return YAML;
  }
}
