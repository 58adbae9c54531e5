package io.voxrelay.common.cluster;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyFailure;
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
      RegistrationMap.plant(oldest, "voxrelay.test.stale", "departed-node");
      DeliveryOptions quick = new DeliveryOptions().setSendTimeout(500);
      assertThat(RegistrationMap.failureOf(other, "voxrelay.test.stale", quick)).isEqualTo(ReplyFailure.TIMEOUT);

      StaleRegistrationSweeper younger = new StaleRegistrationSweeper(RegistrationMap.manager(other));
      StaleRegistrationSweeper sweeper = new StaleRegistrationSweeper(RegistrationMap.manager(oldest));
      assertThat(Await.result(other.executeBlocking(() -> younger.sweep() + younger.sweep())))
          .as("only the oldest member sweeps").isZero();
      assertThat(Await.result(oldest.executeBlocking(sweeper::sweep))).as("first scan: only suspected").isZero();
      assertThat(Await.result(oldest.executeBlocking(sweeper::sweep))).isEqualTo(1);

      Await.until("the request fails fast with NO_HANDLERS", Duration.ofSeconds(10),
          () -> RegistrationMap.failureOf(other, "voxrelay.test.stale", quick) == ReplyFailure.NO_HANDLERS);
      assertThat(Await.result(oldest.eventBus().<String>request("voxrelay.test.live", "x")).body())
          .as("a live member's registration stays").isEqualTo("here");
    }
  }
}
