package io.consulwatchdog.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * For the demo's lifetime: the recovery's own log lines go into the timeline instead of stderr (so the
 * plan and each step show up live, in order), and the lab's chatter is quieted.
 */
final class LogForwarder implements AutoCloseable {
  private record Saved(Logger logger, Level level, boolean additive) {}

  private final List<Saved> saved = new ArrayList<>();
  private final AppenderBase<ILoggingEvent> appender;

  /**
   * Forwards the named loggers to the sink and keeps the quieted ones to errors only.
   *
   * @param silenced loggers whose lines the timeline already tells (off during the demo)
   */
  LogForwarder(Consumer<String> sink, List<String> forwarded, List<String> quieted, List<String> silenced) {
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        sink.accept(event.getFormattedMessage());
      }
    };
    appender.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
    appender.start();
    for (String name : forwarded) {
      Logger logger = remember(name);
      logger.setAdditive(false);
      logger.addAppender(appender);
    }
    for (String name : quieted) {
      remember(name).setLevel(Level.ERROR);
    }
    for (String name : silenced) {
      remember(name).setLevel(Level.OFF);
    }
  }

  private Logger remember(String name) {
    Logger logger = (Logger) LoggerFactory.getLogger(name);
    saved.add(new Saved(logger, logger.getLevel(), logger.isAdditive()));
    return logger;
  }

  @Override
  public void close() {
    for (Saved s : saved) {
      s.logger().detachAppender(appender);
      s.logger().setAdditive(s.additive());
      s.logger().setLevel(s.level());
    }
    appender.stop();
  }
}
