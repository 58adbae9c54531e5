package io.voxrelay.relay;

import io.voxrelay.common.cluster.ServiceLauncher;
import io.voxrelay.common.config.HygieneConfig;
import io.voxrelay.common.config.InstanceConfig;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.config.ToolConfig;

/** Runs the relay as its own process, joined to the cluster configured by env: one instance per event loop. */
public final class RelayServiceMain {

  private RelayServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.runInstances("relay-service", env -> {
      int instances = InstanceConfig.fromEnv(env).relay();
      return new ServiceLauncher.Instances(
          RelayVerticle.instances(RelayConfig.fromEnv(env), HygieneConfig.fromEnv(env),
              ToolConfig.fromEnv(env), instances), instances);
    });
  }
}
