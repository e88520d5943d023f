package io.consulwatchdog.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series selectors of a PromQL expression that name the watchdog's own metrics (consul_watchdog_*)
 * or the JVM and process metrics it binds (jvm_*, process_*, system_*), with their label matchers.
 */
final class PromQlSelectors {
  private static final Pattern SELECTOR = Pattern.compile(
      "(?<![A-Za-z0-9_:])((?:consul_watchdog|jvm|process|system)_[A-Za-z0-9_:]*)\\s*(?:\\{([^}]*)})?");
  private static final Pattern MATCHER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

  /** One label matcher, e.g. state=~"LEADERLESS|QUORUM_LOST". */
  record LabelMatcher(String label, String op, String value) {

    /** The values this matcher requires to exist: the literal of =, the alternatives of a plain =~ list. */
    List<String> requiredValues() {
      if (op.equals("=")) {
        return List.of(value);
      }
      if (op.equals("=~") && value.matches("[A-Za-z0-9_.-]+(\\|[A-Za-z0-9_.-]+)*")) {
        return List.of(value.split("\\|"));
      }
      return List.of();
    }
  }

  /** A metric name with the label matchers written next to it. */
  record Selector(String metric, List<LabelMatcher> matchers) {}

  private PromQlSelectors() {}

  /** Every selector of the expression that names one of the watchdog's series. */
  static List<Selector> in(String expression) {
    List<Selector> selectors = new ArrayList<>();
    Matcher m = SELECTOR.matcher(expression);
    while (m.find()) {
      List<LabelMatcher> matchers = new ArrayList<>();
      if (m.group(2) != null) {
        Matcher l = MATCHER.matcher(m.group(2));
        while (l.find()) {
          matchers.add(new LabelMatcher(l.group(1), l.group(2), l.group(3)));
        }
      }
      selectors.add(new Selector(m.group(1), List.copyOf(matchers)));
    }
    return selectors;
  }
}
