package io.consulwatchdog.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The project's one Jackson setup: ISO-8601 instants and durations, Optional-aware, lenient on reading. */
public final class JsonMapper {
  private JsonMapper() {}

  /** A mapper that writes compact one-line JSON (plans, audit journal, state files). */
  public static ObjectMapper compact() {
    return new ObjectMapper()
        .registerModule(new Jdk8Module())
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** A mapper that writes indented JSON for people (command output, /health, topology.json). */
  public static ObjectMapper pretty() {
    return compact().enable(SerializationFeature.INDENT_OUTPUT);
  }
}
