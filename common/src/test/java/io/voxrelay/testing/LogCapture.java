package io.voxrelay.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Captures every log line of this JVM while open, with its arguments and exception text formatted in. */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** Every captured line: the formatted message, then any exception's class and message. */
  public List<String> lines() {
    synchronized (appender.list) {
      return appender.list.stream().map(e -> e.getFormattedMessage()
          + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName() + ": "
          + e.getThrowableProxy().getMessage())).toList();
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
