package io.voxrelay.common.config;

import io.vertx.core.VertxOptions;

/**
 * How many verticle instances of the gateway and the relay one process runs. Instances share nothing mutable
 * but the per-process limits that must hold for the process as a whole. Any number up to the event loops
 * (twice the cores) works; the default is half the cores (at least one), so that a process running both
 * services keeps one busy event loop per core: every message between two instances on different event
 * loops costs a thread wake-up, and on a 2-core machine the bench measured 2.6, 3.3 and 4.0 ms of CPU per
 * second per stream with 1, 2 and 4 instances of each (docs/architecture.md, "Instances per process").
 *
 * @param gateway gateway instances ({@code VOXRELAY_GATEWAY_INSTANCES}; they share the HTTP port)
 * @param relay   relay instances ({@code VOXRELAY_RELAY_INSTANCES}; {@code VOXRELAY_RELAY_MAX_SESSIONS} is
 *                divided among them)
 */
public record InstanceConfig(int gateway, int relay) {

  /** Vert.x's event loops in this process: twice the cores. */
  public static final int EVENT_LOOPS = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  /** Instances of each service by default: half the cores, at least one. */
  public static final int DEFAULT_INSTANCES = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

  public InstanceConfig {
    if (gateway < 1 || relay < 1 || gateway > EVENT_LOOPS || relay > EVENT_LOOPS) {
      throw new IllegalArgumentException("VOXRELAY_GATEWAY_INSTANCES and VOXRELAY_RELAY_INSTANCES must be between 1 "
          + "and the event loops (" + EVENT_LOOPS + ")");
    }
  }

  public static InstanceConfig fromEnv(Env env) {
    return new InstanceConfig(env.integer("VOXRELAY_GATEWAY_INSTANCES", DEFAULT_INSTANCES),
        env.integer("VOXRELAY_RELAY_INSTANCES", DEFAULT_INSTANCES));
  }
}
