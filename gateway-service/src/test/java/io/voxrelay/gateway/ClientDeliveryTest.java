package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.Replay;
import io.voxrelay.common.bus.ReplayRequest;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.net.WriteBounds;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery to a real WebSocket; the store's replay end is played by a consumer that answers as it does. */
@DisplayName("ClientDelivery: numbered events once and in order on the socket, gaps filled from the store")
class ClientDeliveryTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<CloseCode> closes = new CopyOnWriteArrayList<>();
  private final List<Long> relayTold = new CopyOnWriteArrayList<>();
  private final List<Long> replayAsked = new CopyOnWriteArrayList<>();
  private WebSocketClient client;
  private ClientDelivery delivery;

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private static NumberedEvent event(long seq) {
    return NumberedEvent.of("{\"type\":\"e\"}", seq);
  }

  /** A server whose one socket gets a delivery, and a client that records what it receives. */
  private void connect(List<NumberedEvent> stored) {
    BusCodecs.register(vertx);
    vertx.eventBus().<ReplayRequest>consumer(Addresses.SESSION_REPLAY, m -> {
      replayAsked.add(m.body().afterSeq());
      m.reply(new Replay(stored.stream().filter(e -> e.seq() > m.body().afterSeq()).toList(), false,
          stored.get(stored.size() - 1).seq(), List.of()));
    });
    Promise<Void> ready = Promise.promise();
    HttpServer server = vertx.createHttpServer().webSocketHandler(socket -> {
      delivery = new ClientDelivery(vertx, socket, "s1", new DeliveryOptions().setSendTimeout(2_000),
          new WriteBounds(1 << 20, 256 * 1024, 15_000), closes::add,
          relayTold::add);
      delivery.start(EventSeq.durable(1));
      ready.complete();
    });
    int port = Await.result(server.listen(0)).actualPort();
    client = vertx.createWebSocketClient();
    WebSocket socket = Await.result(client.connect(port, "localhost", "/"));
    socket.textMessageHandler(received::add);
    Await.result(ready.future());
  }


  private List<Long> seqsReceived() {
    return received.stream().map(json -> Json.parse(json).path("seq").asLong(0)).toList();
  }

  @Test
  @DisplayName("an event that came early waits; the missing one is fetched from the store, then both go in order")
  void gapFilledFromTheStore() {
    connect(List.of(event(EventSeq.durable(2)), event(EventSeq.durable(3))));
    Await.onLoop(vertx, () -> delivery.deliver(EventSeq.durable(3), event(EventSeq.durable(3)).json(), 0));
    Await.until("both delivered", Duration.ofSeconds(5), () -> received.size() == 2);
    assertThat(seqsReceived()).containsExactly(EventSeq.durable(2), EventSeq.durable(3));
    assertThat(replayAsked).containsExactly(EventSeq.durable(1));
  }

  @Test
  @DisplayName("a replay that lost events says so first; copies of events already delivered are dropped")
  void truncatedReplay() {
    connect(List.of(event(EventSeq.durable(9))));
    Await.onLoop(vertx, () -> delivery.deliverReplay(new Replay(List.of(event(EventSeq.durable(5)), event(EventSeq.durable(6))),
        true, EventSeq.durable(6), List.of()), List.of(event(EventSeq.durable(6) + 1))));
    Await.onLoop(vertx, () -> delivery.deliver(EventSeq.durable(6), event(EventSeq.durable(6)).json(), 0));
    Await.until("delivered", Duration.ofSeconds(5), () -> received.size() == 4);
    assertThat(Json.parse(received.get(0)).path("type").asText()).isEqualTo("replay.truncated");
    assertThat(Json.parse(received.get(0)).path("resumeFromSeq").asLong()).isEqualTo(EventSeq.durable(5));
    assertThat(seqsReceived().subList(1, 4)).containsExactly(EventSeq.durable(5), EventSeq.durable(6),
        EventSeq.durable(6) + 1);
  }

  @Test
  @DisplayName("a gap fill that comes back truncated after the missing events arrived live tells the client nothing")
  void lateTruncatedFill() {
    connect(List.of(event(EventSeq.durable(4))));
    Await.onLoop(vertx, () -> {
      for (long n = 2; n <= 4; n++) {
        delivery.deliver(EventSeq.durable(n), event(EventSeq.durable(n)).json(), 0);
      }
      // Asked after durable 1; meanwhile the client acknowledged up to 3, so the store kept 4 only.
      delivery.deliverReplay(new Replay(List.of(event(EventSeq.durable(4))), true, EventSeq.durable(4), List.of()),
          List.of());
      delivery.deliver(EventSeq.durable(5), event(EventSeq.durable(5)).json(), 0);
    });
    Await.until("delivered", Duration.ofSeconds(5), () -> received.size() >= 4);
    Await.sleep(200);
    assertThat(seqsReceived()).containsExactly(EventSeq.durable(2), EventSeq.durable(3), EventSeq.durable(4),
        EventSeq.durable(5));
  }

  @Test
  @DisplayName("events this gateway stored go out and the relay hears of the last; a close follows its event")
  void storedThenClose() {
    connect(List.of(event(EventSeq.durable(2))));
    Await.onLoop(vertx, () -> delivery.deliverStored(List.of(event(EventSeq.durable(2))), CloseCode.NORMAL.code()));
    Await.until("delivered and closed", Duration.ofSeconds(5), () -> received.size() == 1 && closes.size() == 1);
    assertThat(relayTold).containsExactly(EventSeq.durable(2));
    assertThat(closes).containsExactly(CloseCode.NORMAL);
  }

  @Test
  @DisplayName("a live event goes out unnumbered, at once; after stop nothing goes out")
  void liveAndStopped() {
    connect(List.of(event(EventSeq.durable(2))));
    Await.onLoop(vertx, () -> delivery.deliver(0, ServerEvents.audio("item_1", 0, "AAAA"), 0));
    Await.until("delivered", Duration.ofSeconds(5), () -> received.size() == 1);
    Await.onLoop(vertx, () -> {
      delivery.stop();
      delivery.deliver(EventSeq.durable(2), event(EventSeq.durable(2)).json(), 0);
    });
    Await.sleep(200);
    assertThat(received).hasSize(1);
    assertThat(delivery.lastDelivered()).isZero();
  }
}
