package io.voxrelay.common.bus;

import io.voxrelay.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventOutboxTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  @Test
  @DisplayName("while nothing stores events, the outbox holds a bounded number and refuses more; "
      + "once the store is back, what it held is stored in order")
  void boundedWhileTheStoreIsAway() {
    BusCodecs.register(vertx);
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    Promise<boolean[]> refused = Promise.promise();
    EventOutbox[] outbox = new EventOutbox[1];
    vertx.runOnContext(v -> {
      outbox[0] = new EventOutbox(vertx, "s1", 200, (events, close) -> events.forEach(e -> delivered.add(e.json())));
      for (int i = 0; i < EventOutbox.MAX_QUEUED; i++) {
        outbox[0].emit("{\"type\":\"e\",\"n\":" + i + "}");
      }
      boolean event = outbox[0].emit("{\"type\":\"one-too-many\"}");
      boolean turn = outbox[0].emitTurn("{\"type\":\"transcript.done\"}", new Turn("i", Turn.USER, "x"), 0);
      refused.complete(new boolean[] {event, turn});
    });
    assertThat(Await.result(refused.future())).containsExactly(false, false);

    vertx.eventBus().<EmitEvents>consumer(Addresses.SESSION_EMIT, m -> {
      List<io.voxrelay.common.protocol.NumberedEvent> numbered = new ArrayList<>();
      for (String event : m.body().events()) {
        numbered.add(io.voxrelay.common.protocol.NumberedEvent.of(event, numbered.size() + 1));
      }
      m.reply(new EmittedEvents(numbered));
    });
    Await.until("every held event stored", java.time.Duration.ofSeconds(20),
        () -> delivered.size() == EventOutbox.MAX_QUEUED);
    assertThat(delivered.get(0)).contains("\"n\":0}");
    assertThat(delivered.get(EventOutbox.MAX_QUEUED - 1)).contains("\"n\":" + (EventOutbox.MAX_QUEUED - 1) + "}");
    assertThat(delivered).noneMatch(e -> e.contains("one-too-many"));
  }
}
