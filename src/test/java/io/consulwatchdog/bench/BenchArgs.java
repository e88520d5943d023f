package io.consulwatchdog.bench;

import io.consulwatchdog.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The "--name value" options of the benchmark mains, with defaults; an unknown option is an error. */
final class BenchArgs {
  private final Map<String, String> values = new HashMap<>();

  BenchArgs(String[] args, Map<String, String> defaults) {
    values.putAll(defaults);
    Set<String> known = defaults.keySet();
    for (int i = 0; i < args.length; i++) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : "";
      if (!known.contains(name) || i + 1 >= args.length) {
        throw new IllegalArgumentException("unknown option or missing value: " + args[i] + " (known: --"
            + String.join(", --", known.stream().sorted().toList()) + ")");
      }
      values.put(name, args[++i]);
    }
  }

  String text(String name) {
    return values.get(name);
  }

  int number(String name) {
    return Integer.parseInt(values.get(name));
  }

  Duration duration(String name) {
    return Durations.parse(values.get(name))
        .orElseThrow(() -> new IllegalArgumentException("--" + name + " is not a duration: " + values.get(name)));
  }

  Path path(String name) {
    String v = values.get(name);
    if (v == null || v.isEmpty()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return Path.of(v);
  }
}
