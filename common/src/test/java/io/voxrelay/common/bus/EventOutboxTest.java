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

  private static final SessionSnapshot PAUSED = new SessionSnapshot("s1", "i", List.of("Q?"), 0, true, false, false,
      false, null, null, 0, 0, List.of(), 2);

  @Test
  @DisplayName("a control goes in a batch of its own, after the events before it and before those after it; "
      + "it completes with the session after it, and its event is delivered in its place")
  void controlInItsOwnBatch() {
    BusCodecs.register(vertx);
    List<EmitEvents> batches = Collections.synchronizedList(new ArrayList<>());
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    long[] seq = {0};
    vertx.eventBus().<EmitEvents>consumer(Addresses.SESSION_EMIT, m -> {
      batches.add(m.body());
      List<io.voxrelay.common.protocol.NumberedEvent> numbered = new ArrayList<>();
      if (m.body().control() != null) {
        numbered.add(io.voxrelay.common.protocol.NumberedEvent.of("{\"type\":\"interview.paused\"}", ++seq[0]));
        m.reply(new EmittedEvents(numbered, new SessionControlReply(PAUSED, false)));
        return;
      }
      for (String event : m.body().events()) {
        numbered.add(io.voxrelay.common.protocol.NumberedEvent.of(event, ++seq[0]));
      }
      m.reply(new EmittedEvents(numbered));
    });
    Promise<SessionControlReply> reply = Promise.promise();
    vertx.runOnContext(v -> {
      EventOutbox outbox = new EventOutbox(vertx, "s1", 2_000, () -> 3,
          (events, close) -> events.forEach(e -> delivered.add(e.json() + "/" + close)));
      outbox.emit("{\"type\":\"before\"}");
      outbox.emitControl(new ClientControl(Control.PAUSE, 2, "c-1"), 0).onComplete(reply);
      outbox.emit("{\"type\":\"after\"}");
    });
    assertThat(Await.result(reply.future()).session().paused()).isTrue();
    Await.until("all delivered", java.time.Duration.ofSeconds(5), () -> delivered.size() == 3);
    assertThat(delivered).containsExactly("{\"seq\":1,\"type\":\"before\"}/0",
        "{\"seq\":2,\"type\":\"interview.paused\"}/0", "{\"seq\":3,\"type\":\"after\"}/0");
    assertThat(batches).hasSize(3);
    assertThat(batches.get(1).events()).as("the control's batch carries nothing else").isEmpty();
    assertThat(batches.get(1).control()).isEqualTo(new ClientControl(Control.PAUSE, 2, "c-1"));
    assertThat(batches.get(1).relayEpoch()).isEqualTo(3);
  }

  @Test
  @DisplayName("a control the store refuses fails with its code and is not sent again; the events behind it go on")
  void refusedControl() {
    BusCodecs.register(vertx);
    List<EmitEvents> batches = Collections.synchronizedList(new ArrayList<>());
    List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    vertx.eventBus().<EmitEvents>consumer(Addresses.SESSION_EMIT, m -> {
      batches.add(m.body());
      if (m.body().control() != null) {
        m.fail(BusFailure.CONFLICT, "there is no next question");
        return;
      }
      m.reply(new EmittedEvents(List.of(io.voxrelay.common.protocol.NumberedEvent.of(m.body().events().get(0), 1))));
    });
    Promise<SessionControlReply> reply = Promise.promise();
    vertx.runOnContext(v -> {
      EventOutbox outbox = new EventOutbox(vertx, "s1", 2_000, (events, close) -> events.forEach(e -> delivered.add(
          e.json())));
      outbox.emitControl(new ClientControl(Control.NEXT_QUESTION, 5, null), 0).onComplete(reply);
      outbox.emit("{\"type\":\"after\"}");
    });
    Throwable failure = Await.result(reply.future().transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())));
    assertThat(failure).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(((io.vertx.core.eventbus.ReplyException) failure).failureCode()).isEqualTo(BusFailure.CONFLICT);
    Await.until("the event behind it delivered", java.time.Duration.ofSeconds(5), () -> delivered.size() == 1);
    assertThat(batches).as("the refused control went once").hasSize(2);
  }
}
