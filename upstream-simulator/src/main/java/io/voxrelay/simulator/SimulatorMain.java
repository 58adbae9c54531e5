package io.voxrelay.simulator;

import io.voxrelay.common.config.Env;
import io.voxrelay.common.config.SimulatorConfig;
import io.vertx.core.Vertx;

/** Runs the simulator alone: {@code VOXRELAY_SIMULATOR_PORT} (default 0, any free port) on loopback. */
public final class SimulatorMain {

  private SimulatorMain() {
  }

  public static void main(String[] args) {
    UpstreamSimulator simulator = new UpstreamSimulator(SimulatorConfig.fromEnv(Env.system()));
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(simulator)
        .onSuccess(id -> {
          System.out.println("[voxrelay] ready: upstream-simulator " + simulator.url());
          System.out.flush();
        })
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }
}
