package io.voxrelay.common.cluster;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.TestCluster;
import com.hazelcast.multimap.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
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
      String departedId = manager(departing).getNodeId();
      cluster.stop(departing);
      DepartureAwareClusterManager senderManager = (DepartureAwareClusterManager) manager(sender);
      DepartureAwareClusterManager oldestManager = (DepartureAwareClusterManager) manager(oldest);
      Await.until("both members hear of the departure", Duration.ofSeconds(10),
          () -> senderManager.hasDeparted(departedId) && oldestManager.hasDeparted(departedId));
      // Each member then removes the departed node's entries (Vert.x's own clean-up): let that finish first.
      Await.sleep(1_000);

      // What a departure racing a partition move can leave behind: the departed node's entry, still in the map.
      MultiMap<String, HazelcastRegistrationInfo> map = manager(oldest).getHazelcastInstance()
          .getMultiMap(StaleRegistrationSweeper.SUBSCRIPTIONS_MAP);
      HazelcastRegistrationInfo survivor = new HazelcastRegistrationInfo(new RegistrationInfo(departedId, 1, false));
      Await.result(oldest.executeBlocking(() -> map.put("voxrelay.test.departing", survivor)));
      // Sooner than the oldest member's sweep could remove it (two scans, one failure timeout apart).
      Await.until("the sender's request fails fast with NO_HANDLERS", Duration.ofSeconds(5), () -> {
        Throwable failure = Await.failure(sender.eventBus().request("voxrelay.test.departing", "x", quick));
        return ((ReplyException) failure).failureType() == ReplyFailure.NO_HANDLERS;
      });
      // Several times over: no request picks the departed node.
      for (int i = 0; i < 5; i++) {
        Throwable failure = Await.failure(sender.eventBus().request("voxrelay.test.departing", "x", quick));
        assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
      }
      assertThat(Await.result(oldest.executeBlocking(() -> map.containsEntry("voxrelay.test.departing", survivor))))
          .as("the entry is still in the map: the sender left it out by itself").isTrue();
    }
  }

  private static HazelcastClusterManager manager(Vertx vertx) {
    return (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
  }
}
