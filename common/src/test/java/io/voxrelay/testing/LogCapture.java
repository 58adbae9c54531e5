package io.voxrelay.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Captures every log line of this JVM while open, with its arguments and exception text formatted in. */
public final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : " " + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage()));
    }
  };

  public LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** Every line captured so far: the formatted message, then any exception's class and message. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
