package io.voxrelay.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.voxrelay.common.protocol.SessionIds;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the session a log line is about into the MDC as {@code sessionId}, so the JSON log format carries it
 * as a field. A line is about the session whose id is among its arguments ({@code LOG.info("… {}", sessionId)},
 * as voxrelay logs sessions). One event loop serves many sessions, so the field is set, or cleared, for every
 * call on the thread before its event is made; nothing else in voxrelay writes the MDC.
 */
public final class SessionIdMdc extends TurboFilter {

  /** The MDC key, and the JSON field. */
  public static final String KEY = "sessionId";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    String sessionId = sessionIdIn(params);
    if (sessionId != null) {
      MDC.put(KEY, sessionId);
    } else {
      MDC.remove(KEY);
    }
    return FilterReply.NEUTRAL;
  }

  static String sessionIdIn(Object[] params) {
    if (params != null) {
      for (Object param : params) {
        if (param instanceof String s && SessionIds.isWellFormed(s)) {
          return s;
        }
      }
    }
    return null;
  }
}
