package io.voxrelay.common.bus;

import io.voxrelay.testing.Await;
import io.voxrelay.testing.RecordingProducer;
import io.voxrelay.testing.TestCluster;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LiveSendersTest {

  @Test
  @DisplayName("messages that are written as they go are never refused")
  void writtenAsTheyGo() {
    Producers producers = new Producers(true);
    LiveSenders senders = new LiveSenders(producers::of, () -> { });
    for (int i = 0; i < 10 * LiveSenders.MAX_UNWRITTEN; i++) {
      assertThat(senders.trySend("relay-1", i)).isTrue();
    }
    assertThat(producers.of("relay-1").bodies).hasSize(10 * LiveSenders.MAX_UNWRITTEN);
  }

  @Test
  @DisplayName("while a probe waits unwritten, at most MAX_UNWRITTEN more go out; once it is written, or fails, "
      + "sends go on; another address is never held back")
  void boundedWhileUnwritten() {
    Producers producers = new Producers(false);
    int[] counted = {0};
    LiveSenders senders = new LiveSenders(producers::of, () -> counted[0]++);
    int accepted = 0;
    for (int i = 0; i < 3 * LiveSenders.MAX_UNWRITTEN; i++) {
      if (senders.trySend("relay-1", i)) {
        accepted++;
      }
    }
    // The first probe is the PROBE_EVERY-th message; MAX_UNWRITTEN more follow it, then sends are refused.
    assertThat(accepted).isEqualTo(LiveSenders.PROBE_EVERY + LiveSenders.MAX_UNWRITTEN);
    assertThat(counted[0]).isEqualTo(3 * LiveSenders.MAX_UNWRITTEN - accepted);
    assertThat(producers.of("relay-1").bodies).hasSize(accepted)
        .startsWith(0, 1, 2).endsWith(accepted - 1);
    assertThat(senders.trySend("relay-2", "x")).isTrue();

    producers.of("relay-1").complete(LiveSenders.PROBE_EVERY - 1, true);
    assertThat(senders.trySend("relay-1", "after")).isTrue();

    // The next probe is the next PROBE_EVERY-th message; its failure (a closed connection) frees the window too.
    int sent = accepted + 1;
    while (sent % LiveSenders.PROBE_EVERY != 0) {
      assertThat(senders.trySend("relay-1", "fill")).isTrue();
      sent++;
    }
    for (int i = 0; i < LiveSenders.MAX_UNWRITTEN; i++) {
      assertThat(senders.trySend("relay-1", "more")).isTrue();
    }
    assertThat(senders.trySend("relay-1", "one too many")).isFalse();
    producers.of("relay-1").complete(sent - 1, false);
    assertThat(senders.trySend("relay-1", "after the failure")).isTrue();
  }

  @Test
  @DisplayName("on a real cluster: while the other node reads nothing, sends to it are refused instead of queued; "
      + "once it reads again, everything sent arrives in order and sends are taken again")
  void realBusBackedUp() {
    CountDownLatch reading = new CountDownLatch(1);
    try (TestCluster cluster = new TestCluster()) {
      try {
        backedUpThenReading(cluster, reading);
      } finally {
        reading.countDown();
      }
    }
  }

  private static void backedUpThenReading(TestCluster cluster, CountDownLatch reading) {
    // One event loop on the receiver: while its consumer blocks it, the node reads nothing from its sockets.
    Vertx receiver = cluster.node(new VertxOptions().setEventLoopPoolSize(1)
        .setMaxEventLoopExecuteTime(60).setMaxEventLoopExecuteTimeUnit(TimeUnit.SECONDS));
    Vertx sender = cluster.node();
    List<Integer> received = new ArrayList<>();
    Await.result(receiver.eventBus().<Buffer>consumer("relay-node", m -> {
      int n = m.body().getInt(0);
      if (n < 0) {
        m.reply(Buffer.buffer("pong"));
        return;
      }
      if (n == 0) {
        awaitQuietly(reading);
      }
      synchronized (received) {
        received.add(n);
      }
    }).completion());
    Await.until("the consumer is known to the sender", Duration.ofSeconds(10), () -> Await.result(
        sender.eventBus().request("relay-node", Buffer.buffer().appendInt(-1),
            new DeliveryOptions().setSendTimeout(1_000)).map(true).otherwise(false)));

    // 40 000 messages of 4 KB, 2 000 a tick so that probes are written between ticks: far more than the
    // sockets' buffers hold. One context, as a verticle's.
    int total = 40_000;
    Context context = sender.getOrCreateContext();
    LiveSenders senders = new LiveSenders(sender, () -> { });
    int[] accepted = {0};
    int[] refused = {0};
    byte[] audio = new byte[4_096];
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> sender.setPeriodic(5, id -> {
      for (int i = 0; i < 2_000 && accepted[0] + refused[0] < total; i++) {
        int n = accepted[0] + refused[0];
        if (senders.trySend("relay-node", Buffer.buffer(4_100).appendInt(n).appendBytes(audio))) {
          accepted[0]++;
        } else {
          refused[0]++;
        }
      }
      if (accepted[0] + refused[0] == total) {
        sender.cancelTimer(id);
        done.complete();
      }
    }));
    Await.result(done.future(), Duration.ofSeconds(30));
    assertThat(refused[0]).isPositive();
    assertThat(accepted[0]).isLessThan(total - LiveSenders.MAX_UNWRITTEN);

    reading.countDown();
    Await.until("everything taken arrives", Duration.ofSeconds(30), () -> countOf(received) >= accepted[0]);
    synchronized (received) {
      assertThat(received).hasSize(accepted[0]).isSorted().startsWith(0);
    }
    Promise<Boolean> after = Promise.promise();
    context.runOnContext(v -> after.complete(senders.trySend("relay-node", Buffer.buffer().appendInt(total))));
    assertThat(Await.result(after.future())).isTrue();
  }

  private static int countOf(List<Integer> received) {
    synchronized (received) {
      return received.size();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Producers that keep what they were given, and whose writes complete at once or when told. */
  private static final class Producers {
    private final boolean writeAtOnce;
    private final Map<String, RecordingProducer> byAddress = new HashMap<>();

    Producers(boolean writeAtOnce) {
      this.writeAtOnce = writeAtOnce;
    }

    RecordingProducer of(String address) {
      return byAddress.computeIfAbsent(address, a -> new RecordingProducer(a, writeAtOnce));
    }
  }
}
