package io.voxrelay.common.cluster;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.TestCluster;
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

@DisplayName("Bus registrations left behind by departed members")
class StaleRegistrationSweeperTest {

  @Test
  @DisplayName("are removed by the oldest member, after which a request fails with NO_HANDLERS instead of timing out")
  void staleRegistrationRemoved() {
    try (TestCluster cluster = new TestCluster()) {
      Vertx oldest = cluster.node();
      Vertx other = cluster.node();
      Await.result(other.eventBus().consumer("voxrelay.test.live", m -> m.reply("here")).completion());
      HazelcastClusterManager manager = clusterManager(oldest);
      // What a departed member's surviving entry looks like: an address registered by a node no member has.
      Await.result(oldest.executeBlocking(() -> manager.getHazelcastInstance()
          .<String, HazelcastRegistrationInfo>getMultiMap(StaleRegistrationSweeper.SUBSCRIPTIONS_MAP)
          .put("voxrelay.test.stale", new HazelcastRegistrationInfo(new RegistrationInfo("departed-node", 1, false)))));
      DeliveryOptions quick = new DeliveryOptions().setSendTimeout(500);
      Throwable before = Await.failure(other.eventBus().request("voxrelay.test.stale", "x", quick));
      assertThat(((ReplyException) before).failureType()).isEqualTo(ReplyFailure.TIMEOUT);

      StaleRegistrationSweeper younger = new StaleRegistrationSweeper(clusterManager(other));
      StaleRegistrationSweeper sweeper = new StaleRegistrationSweeper(manager);
      assertThat(Await.result(other.executeBlocking(() -> younger.sweep() + younger.sweep())))
          .as("only the oldest member sweeps").isZero();
      assertThat(Await.result(oldest.executeBlocking(sweeper::sweep))).as("first scan: only suspected").isZero();
      assertThat(Await.result(oldest.executeBlocking(sweeper::sweep))).isEqualTo(1);

      Await.until("the request fails fast with NO_HANDLERS", Duration.ofSeconds(10), () -> {
        Throwable after = Await.failure(other.eventBus().request("voxrelay.test.stale", "x", quick));
        return ((ReplyException) after).failureType() == ReplyFailure.NO_HANDLERS;
      });
      assertThat(Await.result(oldest.eventBus().<String>request("voxrelay.test.live", "x")).body())
          .as("a live member's registration stays").isEqualTo("here");
    }
  }

  private static HazelcastClusterManager clusterManager(Vertx vertx) {
    return (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
  }
}
