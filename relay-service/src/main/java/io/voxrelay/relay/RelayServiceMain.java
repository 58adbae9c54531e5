package io.voxrelay.relay;

import io.voxrelay.common.cluster.ServiceLauncher;

/** Runs one relay instance as its own process, joined to the cluster configured by env. */
public final class RelayServiceMain {

  private RelayServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run("relay-service", RelayVerticle::new);
  }
}
