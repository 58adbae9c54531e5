package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.testing.Await;
import io.voxrelay.testing.TestCluster;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A relay's presence in the cluster")
class RelayPresenceTest {

  private final TestCluster cluster = new TestCluster();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  @DisplayName("present while a member holds its address; gone when none does, or only a departed member still does")
  void presence() {
    Vertx gateway = cluster.node();
    Vertx relay = cluster.node();
    Await.result(relay.eventBus().consumer(Addresses.relayNode("relay-live"), m -> m.reply("here")).completion());
    Await.until("the relay's address seen from the gateway", Duration.ofSeconds(10),
        () -> !Await.result(RelayPresence.gone(gateway, "relay-live")));

    assertThat(Await.result(RelayPresence.gone(gateway, "relay-never-there"))).isTrue();

    // What the cluster holds for a relay that died, before the members have cleaned its subscriptions up: its
    // address, on a node that is no longer a member. A request to it times out; the member list tells.
    Promise<Void> added = Promise.promise();
    ((VertxInternal) gateway).clusterManager().addRegistration(Addresses.relayNode("relay-departed"),
        new RegistrationInfo("a-node-that-left", 1, false), added);
    Await.result(added.future());
    assertThat(Await.result(RelayPresence.gone(gateway, "relay-departed"))).isTrue();

    assertThat(Await.result(RelayPresence.gone(Vertx.vertx(), "relay-live")))
        .as("without a cluster, unsure: NO_HANDLERS answers for it").isFalse();
  }
}
