package io.voxrelay.gateway;

import io.voxrelay.common.cluster.ServiceLauncher;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.config.InstanceConfig;

/** Runs the gateway as its own process, joined to the cluster configured by env: one instance per event loop. */
public final class GatewayServiceMain {

  private GatewayServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.runInstances("gateway-service", env -> new ServiceLauncher.Instances(
        GatewayVerticle.instances(GatewayConfig.fromEnv(env)), InstanceConfig.fromEnv(env).gateway()));
  }
}
