package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.EmitEvents;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.EventOutbox;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.testing.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TurnRecorder: finished turns into the history and the store; cut-off answers kept as interrupted")
class TurnRecorderTest {

  private final Vertx vertx = Vertx.vertx();
  private final List<EmitEvents> stored = new CopyOnWriteArrayList<>();
  private final ConversationState state = new ConversationState(
      ConversationStateTest.snapshot("s1", false, false, 0, List.of()));
  private final AtomicInteger unstored = new AtomicInteger();

  TurnRecorderTest() {
    BusCodecs.register(vertx);
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private void storeAnswers() {
    vertx.eventBus().<EmitEvents>consumer(Addresses.SESSION_EMIT, m -> {
      stored.add(m.body());
      List<NumberedEvent> numbered = new ArrayList<>();
      for (String event : m.body().events()) {
        numbered.add(NumberedEvent.of(event, EventSeq.durable(stored.size() * 100L + numbered.size() + 1)));
      }
      m.reply(new EmittedEvents(numbered));
    });
  }

  private TurnRecorder recorder() {
    Promise<TurnRecorder> made = Promise.promise();
    vertx.runOnContext(v -> {
      ClientFeed feed = new ClientFeed(vertx, "s1", "relay-1", 200, () -> 1, new TransientRing(0, false),
          new io.voxrelay.common.bus.LiveSenders(vertx, () -> { }));
      made.complete(new TurnRecorder(state, feed, unstored::incrementAndGet));
    });
    return Await.result(made.future());
  }


  private List<String> storedEvents() {
    return stored.stream().flatMap(b -> b.events().stream()).toList();
  }

  @Test
  @DisplayName("a finished answer is one turn, stored with its transcript.done; a cut-off one is interrupted")
  void answers() {
    storeAnswers();
    TurnRecorder recorder = recorder();
    Await.onLoop(vertx, () -> {
      recorder.answerDelta("a1", "Hel");
      recorder.answerDelta("a1", "lo.");
      recorder.answerDone("a1", "Hello.");
      recorder.answerDelta("a2", "Tell me");
      recorder.cutOff();
      recorder.cutOff();
    });
    Await.until("both stored", Duration.ofSeconds(5), () -> storedEvents().size() == 2);
    assertThat(state.history()).extracting(Turn::itemId, Turn::text)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a1", "Hello."),
            org.assertj.core.groups.Tuple.tuple("a2", "Tell me"));
    assertThat(Json.parse(storedEvents().get(0)).path("interrupted").asBoolean(false)).isFalse();
    assertThat(Json.parse(storedEvents().get(1)).path("interrupted").asBoolean()).isTrue();
    assertThat(stored.stream().flatMap(b -> b.turns().stream()).map(Turn::itemId)).containsExactly("a1", "a2");
  }

  @Test
  @DisplayName("a turn that cannot even be queued for storing stops the session")
  void unstoredStops() {
    TurnRecorder recorder = recorder();
    Await.onLoop(vertx, () -> {
      for (int i = 0; i <= EventOutbox.MAX_QUEUED + 1; i++) {
        recorder.record(new Turn("i" + i, Turn.USER, "t"), 0);
      }
    });
    assertThat(unstored.get()).as("nothing stores: the one batch in flight, MAX_QUEUED waiting, then refusals")
        .isPositive();
  }
}
