package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.EmitEvents;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.testing.Await;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feed's routing by event kind, on a real event bus; the session service's numbering end is played by a
 * consumer that numbers as the store does (the store itself has its own contract tests).
 */
@DisplayName("ClientFeed: durable events stored first, transient ones numbered here, live ones straight out")
class ClientFeedTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<ToClient> atGateway = new CopyOnWriteArrayList<>();
  private final List<EmitEvents> stored = new CopyOnWriteArrayList<>();
  private long durables = 3;

  ClientFeedTest() {
    BusCodecs.register(vertx);
    vertx.eventBus().<ToClient>consumer(Addresses.gatewayNode("gw-1"), m -> atGateway.add(m.body()));
    vertx.eventBus().<EmitEvents>consumer(Addresses.SESSION_EMIT, m -> {
      stored.add(m.body());
      List<NumberedEvent> numbered = new ArrayList<>();
      for (String event : m.body().events()) {
        numbered.add(NumberedEvent.of(event, EventSeq.durable(++durables)));
      }
      m.reply(new EmittedEvents(numbered));
    });
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }


  private ClientFeed feed() {
    ClientFeed feed = new ClientFeed(vertx, "s1", "relay-1", 2_000, () -> 1, new TransientRing(EventSeq.durable(3), false),
        new io.voxrelay.common.bus.LiveSenders(vertx, () -> { }));
    feed.attach("gw-1", "c-1", EventSeq.durable(3));
    return feed;
  }

  @Test
  @DisplayName("a transient event is numbered after the latest durable one and goes out at once, unstored")
  void transientEvents() {
    ClientFeed feed = Await.onLoop(vertx, this::feed);
    Await.onLoop(vertx, () -> feed.send(ServerEvents.speechStarted(), 0));
    Await.until("delivered", Duration.ofSeconds(5), () -> atGateway.size() == 1);
    assertThat(atGateway.get(0).seq()).isEqualTo(EventSeq.durable(3) + 1);
    assertThat(atGateway.get(0).json()).startsWith("{\"seq\":" + (EventSeq.durable(3) + 1) + ",");
    assertThat(stored).isEmpty();
  }

  @Test
  @DisplayName("a durable event is delivered once stored, with the store's seq; transient ones then follow it")
  void durableEvents() {
    ClientFeed feed = Await.onLoop(vertx, this::feed);
    Turn turn = new Turn("i1", Turn.USER, "hello");
    Await.onLoop(vertx, () -> feed.sendTurn(ServerEvents.transcriptDone(turn.role(), turn.itemId(), turn.text()), turn, 4));
    Await.until("delivered", Duration.ofSeconds(5), () -> atGateway.size() == 1);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).turns()).containsExactly(turn);
    assertThat(stored.get(0).clientSeq()).as("the typed turn moves the client cursor").isEqualTo(4);
    assertThat(atGateway.get(0).seq()).isEqualTo(EventSeq.durable(4));
    Await.onLoop(vertx, () -> feed.send(ServerEvents.speechStarted(), 0));
    Await.until("delivered", Duration.ofSeconds(5), () -> atGateway.size() == 2);
    assertThat(atGateway.get(1).seq()).isEqualTo(EventSeq.durable(4) + 1);
  }

  @Test
  @DisplayName("a close goes with a durable event, stored first; a live event goes unnumbered")
  void closeAndLive() {
    ClientFeed feed = Await.onLoop(vertx, this::feed);
    Await.onLoop(vertx, () -> feed.send(ServerEvents.speechStarted(), 4000));
    Await.onLoop(vertx, () -> {
      feed.live(ServerEvents.audio("item_1", 0, "AAAA"));
      return null;
    });
    Await.until("both delivered", Duration.ofSeconds(5), () -> atGateway.size() == 2);
    assertThat(stored).as("an event with a close is never only transient").hasSize(1);
    assertThat(atGateway).anySatisfy(e -> assertThat(e.closeCode()).isEqualTo(4000))
        .anySatisfy(e -> assertThat(e.seq()).isZero());
  }

  @Test
  @DisplayName("while the client is away nothing is sent; on its return the ring replays what it missed")
  void awayAndBack() {
    ClientFeed feed = Await.onLoop(vertx, this::feed);
    assertThat(Await.onLoop(vertx, () -> feed.detach("c-old"))).as("a stale connection's detach is ignored").isFalse();
    assertThat(Await.onLoop(vertx, () -> feed.detach("c-1"))).isTrue();
    assertThat(Await.onLoop(vertx, feed::connectionId)).isNull();
    Await.onLoop(vertx, () -> feed.send(ServerEvents.speechStarted(), 0));
    Await.onLoop(vertx, () -> feed.send(ServerEvents.speechStarted(), 0));
    Await.sleep(200);
    assertThat(atGateway).isEmpty();
    TransientRing.Replay missed = Await.onLoop(vertx, () -> feed.attach("gw-1", "c-2", EventSeq.durable(3) + 1));
    assertThat(missed.events()).extracting(NumberedEvent::seq).containsExactly(EventSeq.durable(3) + 2);
    assertThat(missed.lost()).isFalse();
  }
}
