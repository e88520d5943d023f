package io.consulwatchdog.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping being read field by field, remembering its path so that every error names it.
 *
 * <p>Every key read is marked as known; {@link #rejectUnknownKeys()} turns any other key into an
 * error, so a typo like {@code pol_interval} never silently falls back to a default.
 */
final class ConfigNode {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");
  private static final Pattern DURATION_SHAPE = Pattern.compile("(\\d+(ms|s|m|h))+");

  private final Optional<Path> file;
  private final String path;
  private final JsonNode node;
  private final Set<String> known = new HashSet<>();

  ConfigNode(Optional<Path> file, String path, JsonNode node) {
    this.file = file;
    this.path = path;
    this.node = node;
    if (!node.isObject()) {
      throw error(path.isEmpty() ? "(top level)" : path, "must be a mapping of keys to values", text(node));
    }
  }

  /** The dotted path of a child key, used in messages. */
  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  ConfigException error(String field, String problem, Object value) {
    return ConfigException.field(file, field, problem, value);
  }

  boolean has(String key) {
    known.add(key);
    JsonNode v = node.get(key);
    return v != null && !v.isNull();
  }

  Optional<String> optionalString(String key) {
    if (!has(key)) {
      return Optional.empty();
    }
    JsonNode v = node.get(key);
    if (!v.isValueNode() || v.isBoolean()) {
      throw error(field(key), "must be a string", text(v));
    }
    String s = v.asText().trim();
    if (s.isEmpty()) {
      throw error(field(key), "must not be empty", s);
    }
    return Optional.of(s);
  }

  String string(String key) {
    return optionalString(key).orElseThrow(() -> error(field(key), "is required", null));
  }

  String string(String key, String fallback) {
    return optionalString(key).orElse(fallback);
  }

  int integer(String key, int fallback, int min, int max) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw error(field(key), "must be a whole number", text(v));
    }
    int i = v.asInt();
    if (i < min || i > max) {
      throw error(field(key), "must be between " + min + " and " + max, i);
    }
    return i;
  }

  boolean bool(String key, boolean fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.isBoolean()) {
      throw error(field(key), "must be true or false", text(v));
    }
    return v.asBoolean();
  }

  Duration duration(String key, Duration fallback, Duration min, Duration max) {
    Optional<String> s = optionalString(key);
    if (s.isEmpty()) {
      return fallback;
    }
    String range = "must be between " + show(min) + " and " + show(max);
    Duration d = parseDuration(s.get()).orElseThrow(() -> DURATION_SHAPE.matcher(s.get()).matches()
        ? error(field(key), range, s.get()) // the shape of a duration, too large to hold
        : error(field(key), "must be a duration like 500ms, 5s, 2m or 1h", s.get()));
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw error(field(key), range, s.get());
    }
    return d;
  }

  List<String> stringList(String key, List<String> fallback) {
    if (!has(key)) {
      return fallback;
    }
    JsonNode v = node.get(key);
    if (!v.isArray()) {
      throw error(field(key), "must be a list of strings", text(v));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode e = v.get(i);
      if (!e.isValueNode() || e.isNull() || e.asText().isEmpty()) {
        throw error(field(key) + "[" + i + "]", "must be a non-empty string", text(e));
      }
      out.add(e.asText());
    }
    return out;
  }

  Optional<ConfigNode> optionalChild(String key) {
    return has(key) ? Optional.of(new ConfigNode(file, field(key), node.get(key))) : Optional.empty();
  }

  List<ConfigNode> children(String key) {
    if (!has(key)) {
      return List.of();
    }
    JsonNode v = node.get(key);
    if (!v.isArray()) {
      throw error(field(key), "must be a list", text(v));
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      out.add(new ConfigNode(file, field(key) + "[" + i + "]", v.get(i)));
    }
    return out;
  }

  JsonNode raw() {
    return node;
  }

  String path() {
    return path;
  }

  Optional<Path> file() {
    return file;
  }

  /** Fails on the first key that no reader asked for. */
  void rejectUnknownKeys() {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw error(field(name), "unknown key (known keys here: " + String.join(", ", new TreeSet<>(known)) + ")", null);
      }
    }
  }

  /**
   * Parses 500ms, 5s, 2m, 1h or combinations like 1m30s; empty when the text is not one, or when it is
   * too large for its milliseconds to fit in a long (the unit the watchdog computes in).
   */
  static Optional<Duration> parseDuration(String s) {
    Matcher m = DURATION.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    try {
      while (m.find()) {
        if (m.start() != end) {
          return Optional.empty();
        }
        long n = Long.parseLong(m.group(1));
        total = total.plus(switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        });
        end = m.end();
      }
      total.toMillis(); // throws when the milliseconds overflow
    } catch (NumberFormatException | ArithmeticException tooLarge) {
      return Optional.empty();
    }
    return end == s.length() && end > 0 ? Optional.of(total) : Optional.empty();
  }

  /** Formats a duration the way the config file writes it. */
  static String show(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }

  private static String text(JsonNode v) {
    return v == null ? "null" : v.isValueNode() ? v.asText() : v.toString();
  }
}
