package io.voxrelay.watchdog;

import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.HygieneConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchdog service: sweeps sessions for heartbeat, idle and age limits (seed 004) and orders their
 * termination. Several instances may run.
 */
public final class WatchdogVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WatchdogVerticle.class);

  private final HygieneConfig config;

  public WatchdogVerticle() {
    this(HygieneConfig.fromEnv(Env.system()));
  }

  public WatchdogVerticle(HygieneConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    LOG.info("[SessionWatchdog] Started - checking every {} seconds", seconds(config.watchdogIntervalMs()));
    return Future.succeededFuture();
  }

  private static String seconds(long millis) {
    return millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0);
  }
}
