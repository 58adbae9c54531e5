package io.voxrelay.gateway;

import io.voxrelay.common.cluster.ServiceLauncher;

/** Runs one gateway instance as its own process, joined to the cluster configured by env. */
public final class GatewayServiceMain {

  private GatewayServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run("gateway-service", GatewayVerticle::new);
  }
}
