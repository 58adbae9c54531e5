package io.voxrelay.common.config;

import io.vertx.core.VertxOptions;

/**
 * How many verticle instances of the gateway and the relay one process runs: by default one per event loop,
 * so every core carries client sockets and upstreams. Instances share nothing mutable but the per-process
 * limits that must hold for the process as a whole.
 *
 * @param gateway gateway instances ({@code VOXRELAY_GATEWAY_INSTANCES}; they share the HTTP port)
 * @param relay   relay instances ({@code VOXRELAY_RELAY_INSTANCES}; {@code VOXRELAY_RELAY_MAX_SESSIONS} is
 *                divided among them)
 */
public record InstanceConfig(int gateway, int relay) {

  /** Vert.x's event loops in this process: twice the cores. */
  public static final int EVENT_LOOPS = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;

  public InstanceConfig {
    if (gateway < 1 || relay < 1) {
      throw new IllegalArgumentException("VOXRELAY_GATEWAY_INSTANCES and VOXRELAY_RELAY_INSTANCES must be at least 1");
    }
  }

  public static InstanceConfig fromEnv(Env env) {
    return new InstanceConfig(env.integer("VOXRELAY_GATEWAY_INSTANCES", EVENT_LOOPS),
        env.integer("VOXRELAY_RELAY_INSTANCES", EVENT_LOOPS));
  }
}
