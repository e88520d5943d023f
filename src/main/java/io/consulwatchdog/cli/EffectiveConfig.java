package io.consulwatchdog.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.consulwatchdog.config.Durations;
import io.consulwatchdog.config.WatchdogConfig;
import io.consulwatchdog.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** Renders the effective config as YAML with secrets masked (Secret writes itself masked) and durations written as in the file. */
final class EffectiveConfig {
  private EffectiveConfig() {}

  static String yaml(WatchdogConfig config) throws IOException {
    SimpleModule m = new SimpleModule();
    m.addSerializer(Duration.class, new StdSerializer<>(Duration.class) {
      @Override
      public void serialize(Duration d, JsonGenerator g,
          SerializerProvider p) throws IOException {
        g.writeString(Durations.format(d));
      }
    });
    m.addSerializer(Path.class, new ToStringSerializer());
    ObjectMapper yaml = JsonMapper.yaml().copy()
        .registerModule(m)
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    return yaml.writeValueAsString(config);
  }
}
