package io.voxrelay.gateway;

import io.voxrelay.common.cluster.ServiceLauncher;
import io.voxrelay.common.config.GatewayConfig;
import io.voxrelay.common.config.InstanceConfig;

/** Runs the gateway as its own process, joined to the cluster configured by env: one instance per event loop. */
public final class GatewayServiceMain {

  private GatewayServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.runInstances("gateway-service", env -> {
      GatewayConfig config = GatewayConfig.fromEnv(env);
      // Refused before joining the cluster: exit 2, naming the setting.
      config.requiredApiKey();
      return new ServiceLauncher.Instances(GatewayVerticle.instances(config), InstanceConfig.fromEnv(env).gateway());
    });
  }
}
