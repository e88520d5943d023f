package io.consulwatchdog.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The console log format (logback.xml), chosen at start: {@code text} (a UTC timestamp, the level, the cluster
 * and recovery ID, the logger, the message), {@code journal} when stderr is journald's stream (no timestamp,
 * journald adds its own, and each line starts with its syslog priority, {@code <3>} ERROR, {@code <4>} WARN,
 * {@code <6>} INFO, {@code <7>} DEBUG, so that {@code journalctl -p warning} works), or {@code json} (logback's
 * JsonEncoder, one object per line, for log shippers). CONSUL_WATCHDOG_LOG_FORMAT=text|journal|json forces one.
 */
public final class LogEncoder extends EncoderBase<ILoggingEvent> {
  /** The environment variable that forces a format. */
  public static final String FORMAT_VARIABLE = "CONSUL_WATCHDOG_LOG_FORMAT";
  private static final String WHERE = "[%X{cluster:-}%replace( %X{recovery:-}){'^ $', ''}] %logger{0}: %msg%n";
  private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level " + WHERE;
  private static final String JOURNAL_PATTERN = "%-5level " + WHERE;
  private static final Map<Level, String> PRIORITY = Map.of(Level.ERROR, "<3>", Level.WARN, "<4>", Level.INFO, "<6>",
      Level.DEBUG, "<7>", Level.TRACE, "<7>");

  /** The formats. */
  public enum Format {
    /** Timestamped lines for a terminal or a file. */
    TEXT,
    /** Lines with syslog priority prefixes and no timestamp, for journald. */
    JOURNAL,
    /** One JSON object per line. */
    JSON;

    /**
     * The format asked for by CONSUL_WATCHDOG_LOG_FORMAT, else JOURNAL when JOURNAL_STREAM names the stream
     * stderr writes to (as systemd documents it; a JOURNAL_STREAM inherited by a process whose stderr goes
     * elsewhere does not count; when stderr cannot be identified, JOURNAL_STREAM alone decides), else TEXT.
     *
     * @param env the environment
     * @param stderr "device:inode" of standard error, if it can be found
     */
    public static Format choose(UnaryOperator<String> env, Optional<String> stderr) {
      String asked = env.apply(FORMAT_VARIABLE);
      if (asked != null && !asked.isBlank()) {
        try {
          return valueOf(asked.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
          return TEXT;
        }
      }
      String journal = env.apply("JOURNAL_STREAM");
      if (journal != null && !journal.isBlank() && stderr.map(journal::equals).orElse(true)) {
        return JOURNAL;
      }
      return TEXT;
    }
  }

  private String format;
  private Format chosen;
  private Encoder<ILoggingEvent> delegate;

  /** Forces a format (text, journal, json) instead of choosing from the environment (tests, logback.xml). */
  public void setFormat(String format) {
    this.format = format;
  }

  @Override
  public void start() {
    chosen = format != null ? Format.choose(name -> FORMAT_VARIABLE.equals(name) ? format : null, Optional.empty())
        : Format.choose(System::getenv, stderrStream());
    delegate = chosen == Format.JSON ? json() : pattern(chosen == Format.JOURNAL ? JOURNAL_PATTERN : TEXT_PATTERN);
    delegate.start();
    super.start();
  }

  private Encoder<ILoggingEvent> json() {
    JsonEncoder json = new JsonEncoder();
    json.setContext(getContext());
    json.setWithFormattedMessage(true);
    json.setWithMessage(false);
    json.setWithArguments(false);
    json.setWithContext(false);
    return json;
  }

  private Encoder<ILoggingEvent> pattern(String pattern) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(getContext());
    encoder.setPattern(pattern);
    encoder.setCharset(StandardCharsets.UTF_8);
    return encoder;
  }

  /** "device:inode" of this process's standard error, as JOURNAL_STREAM writes it; empty if unknown. */
  private static Optional<String> stderrStream() {
    try {
      Map<String, Object> id = Files.readAttributes(Path.of("/proc/self/fd/2"), "unix:dev,ino");
      return Optional.of(id.get("dev") + ":" + id.get("ino"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      return Optional.empty();
    }
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    byte[] bytes = delegate.encode(event);
    if (chosen != Format.JOURNAL) {
      return bytes;
    }
    String prefix = PRIORITY.getOrDefault(event.getLevel(), "<6>");
    StringBuilder out = new StringBuilder();
    new String(bytes, StandardCharsets.UTF_8).lines().forEach(line -> out.append(prefix).append(line).append('\n'));
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }
}
