package io.voxrelay.watchdog;

import io.voxrelay.common.cluster.ServiceLauncher;

/** Runs one watchdog instance as its own process, joined to the cluster configured by env. */
public final class WatchdogServiceMain {

  private WatchdogServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run("watchdog-service", WatchdogVerticle::new);
  }
}
