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
  private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : " " + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage());
      if (keep.test(line)) {
        lines.add(line);
      }
      if (e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)) {
        errors.add(e.getLoggerName() + ": " + line);
      }
    }
  };

  private final java.util.function.Predicate<String> keep;

  public LogCapture() {
    this(line -> true);
  }

  /**
   * Keeps only the lines {@code keep} accepts (and every error), so a long run does not hold every line it
   * logged.
   */
  public LogCapture(java.util.function.Predicate<String> keep) {
    this.keep = keep;
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** Every line captured so far: the formatted message, then any exception's class and message. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines logged at ERROR, each after its logger's name. */
  public List<String> errors() {
    return List.copyOf(errors);
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
