package io.voxrelay.watchdog;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.ExpiredSessions;
import io.voxrelay.common.bus.FindExpired;
import io.voxrelay.common.bus.SessionTimes;
import io.voxrelay.common.bus.TerminateSessions;
import io.voxrelay.common.bus.TerminatedSession;
import io.voxrelay.common.bus.TerminatedSessions;
import io.voxrelay.common.bus.Termination;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.protocol.SessionLimits;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The watchdog service: every {@code VOXRELAY_WATCHDOG_INTERVAL_MS} it asks the session service for the live
 * sessions past a limit (one indexed query per limit, so a sweep costs what expires), applies
 * {@link SessionLimits}, and orders the terminations in one message. Several instances may run: the session
 * service claims each termination exactly once, and any instance alone keeps every session swept.
 */
public final class WatchdogVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WatchdogVerticle.class);

  private final HygieneConfig config;
  private final Clock clock;
  private WatchdogMetrics metrics;
  private boolean sweeping;

  public WatchdogVerticle() {
    this(HygieneConfig.fromEnv(Env.system()));
  }

  public WatchdogVerticle(HygieneConfig config) {
    this(config, Clock.systemUTC());
  }

  WatchdogVerticle(HygieneConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    metrics = WatchdogMetrics.of(vertx);
    vertx.setPeriodic(config.watchdogIntervalMs(), t -> sweep());
    LOG.info("[SessionWatchdog] Started - checking every {} seconds", seconds(config.watchdogIntervalMs()));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    LOG.info("[SessionWatchdog] Stopped");
    return Future.succeededFuture();
  }

  /** One cycle: two bus round trips whatever the number of sessions, plus nothing when none expired. */
  Future<Void> sweep() {
    if (sweeping) {
      return Future.succeededFuture();
    }
    sweeping = true;
    long now = clock.millis();
    long started = System.nanoTime();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(Math.max(1_000, config.watchdogIntervalMs()));
    return BusRequests.<ExpiredSessions>request(vertx, Addresses.SESSION_FIND_EXPIRED,
            new FindExpired(now, config.sessionMaxAgeMs(), config.heartbeatTimeoutMs(), config.sessionIdleTimeoutMs()),
            options)
        .compose(reply -> {
          ExpiredSessions expired = reply.body();
          metrics.swept(expired.liveSessions());
          if (expired.liveSessions() > 0) {
            LOG.info("[SessionWatchdog] Active sessions: {}", expired.liveSessions());
          }
          List<Termination> orders = new ArrayList<>();
          for (SessionTimes s : expired.candidates()) {
            SessionLimits.evaluate(s, now, config).ifPresent(reason -> orders.add(new Termination(s.sessionId(), reason)));
          }
          if (orders.isEmpty()) {
            return Future.<Void>succeededFuture();
          }
          return BusRequests.<TerminatedSessions>request(vertx, Addresses.SESSION_TERMINATE,
                  new TerminateSessions(orders), options)
              .map(done -> {
                for (TerminatedSession t : done.body().terminated()) {
                  LOG.info("[SessionWatchdog] Terminating session {}: {} (age: {}s, question: {}/{})", t.sessionId(),
                      t.reason(), Math.round(t.ageMs() / 1000.0), t.questionIndex() + 1, t.questionCount());
                }
                return null;
              });
        })
        .onFailure(e -> LOG.warn("[SessionWatchdog] sweep failed: {}", e.toString()))
        .eventually(() -> {
          metrics.sweep.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
          sweeping = false;
          return Future.succeededFuture();
        });
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0);
  }
}
