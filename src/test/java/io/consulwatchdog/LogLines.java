package io.consulwatchdog;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects every event a logger (and those below it) logs while open, with its MDC and thread as they were when
 * it was logged (a plain ListAppender reads the MDC only when asked, by then from the test's thread).
 */
public final class LogLines implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing();
      super.append(event);
    }
  };

  private LogLines(String name) {
    this.logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  /** Collects what the named logger and its descendants log. */
  public static LogLines of(String loggerName) {
    return new LogLines(loggerName);
  }

  /** Collects everything logged. */
  public static LogLines all() {
    return new LogLines(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  /** The events so far, oldest first. */
  public List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
