package io.voxrelay.common.cluster;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.spi.cluster.hazelcast.impl.HazelcastRegistrationInfo;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Routing after a member left")
class DepartureAwareClusterManagerTest {

  @Test
  @DisplayName("a departed node's registration that survives in the map routes nothing: NO_HANDLERS, not a timeout")
  void departedNodeLeftOut() {
    try (TestCluster cluster = new TestCluster()) {
      Vertx oldest = cluster.node();
      Vertx sender = cluster.node();
      Vertx departing = cluster.node();
      Await.result(departing.eventBus().consumer("voxrelay.test.departing", m -> m.reply("here")).completion());
      DeliveryOptions quick = new DeliveryOptions().setSendTimeout(5_000);
      Await.until("the sender reaches the handler", Duration.ofSeconds(10), () -> {
        try {
          return "here".equals(Await.result(sender.eventBus().<String>request("voxrelay.test.departing", "x", quick))
              .body());
        } catch (AssertionError notYet) {
          return false;
        }
      });
      String departedId = RegistrationMap.manager(departing).getNodeId();
      cluster.stop(departing);
      DepartureAwareClusterManager senderManager = (DepartureAwareClusterManager) RegistrationMap.manager(sender);
      DepartureAwareClusterManager oldestManager = (DepartureAwareClusterManager) RegistrationMap.manager(oldest);
      Await.until("both members hear of the departure", Duration.ofSeconds(10),
          () -> senderManager.hasDeparted(departedId) && oldestManager.hasDeparted(departedId));
      // Each member then removes the departed node's entries (Vert.x's own clean-up): let that finish first.
      Await.sleep(1_000);

      // What a departure racing a partition move can leave behind: the departed node's entry, still in the map.
      HazelcastRegistrationInfo survivor = RegistrationMap.plant(oldest, "voxrelay.test.departing", departedId);
      // Sooner than the oldest member's sweep could remove it (two scans, one failure timeout apart).
      Await.until("the sender's request fails fast with NO_HANDLERS", Duration.ofSeconds(5),
          () -> RegistrationMap.failureOf(sender, "voxrelay.test.departing", quick) == ReplyFailure.NO_HANDLERS);
      // Several times over: no request picks the departed node.
      for (int i = 0; i < 5; i++) {
        assertThat(RegistrationMap.failureOf(sender, "voxrelay.test.departing", quick))
            .isEqualTo(ReplyFailure.NO_HANDLERS);
      }
      assertThat(Await.result(oldest.executeBlocking(() -> RegistrationMap.of(oldest)
          .containsEntry("voxrelay.test.departing", survivor))))
          .as("the entry is still in the map: the sender left it out by itself").isTrue();
    }
  }
}
