package io.voxrelay.session;

import io.voxrelay.common.cluster.ServiceLauncher;

/** Runs one session-service instance as its own process, joined to the cluster configured by env. */
public final class SessionServiceMain {

  private SessionServiceMain() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run("session-service", SessionVerticle::new);
  }
}
