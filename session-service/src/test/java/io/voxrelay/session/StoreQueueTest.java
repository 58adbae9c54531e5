package io.voxrelay.session;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.voxrelay.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreQueueTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("past its bound a task is refused at once; as tasks finish, room comes back")
  void boundedAndRefusedAtOnce() throws Exception {
    WorkerExecutor one = vertx.createSharedWorkerExecutor("store-queue-test", 1);
    Timer latency = new SimpleMeterRegistry().timer("store-latency");
    StoreQueue queue = new StoreQueue("test", one, 3, latency);
    CountDownLatch release = new CountDownLatch(1);
    List<Future<Integer>> taken = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      taken.add(queue.submit(() -> {
        release.await(10, TimeUnit.SECONDS);
        return n;
      }));
    }
    assertThat(queue.pending()).isEqualTo(3);
    Future<Integer> refused = queue.submit(() -> 99);
    assertThat(refused.failed()).as("refused without waiting").isTrue();
    assertThatThrownBy(() -> Await.result(refused)).hasRootCauseInstanceOf(StoreQueue.StoreBusyException.class);

    release.countDown();
    for (int i = 0; i < 3; i++) {
      assertThat(Await.result(taken.get(i))).isEqualTo(i);
    }
    Await.until("the count is back to zero", java.time.Duration.ofSeconds(5), () -> queue.pending() == 0);
    assertThat(Await.result(queue.submit(() -> 7))).as("room again").isEqualTo(7);
    Await.until("each task taken on is timed, the refused one not", java.time.Duration.ofSeconds(5),
        () -> latency.count() == 4);
  }
}
