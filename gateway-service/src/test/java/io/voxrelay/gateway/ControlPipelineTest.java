package io.voxrelay.gateway;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BusCodecs;
import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.EmitEvents;
import io.voxrelay.common.bus.EmittedEvents;
import io.voxrelay.common.bus.EventOutbox;
import io.voxrelay.common.bus.RelayControlRequest;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.SessionControlRequest;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.UpstreamOpened;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.ClientMessage;
import io.voxrelay.common.protocol.EventSeq;
import io.voxrelay.common.protocol.NumberedEvent;
import io.voxrelay.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline's rules on a real event bus; the session service and relay ends are played by consumers that
 * answer as they do (the services themselves are exercised by the integration tests).
 */
@DisplayName("ControlPipeline: controls in order, the audio gate, errors the client can act on")
class ControlPipelineTest {

  private static final long BUS_TIMEOUT_MS = 1_000;
  private static final long OPEN_WAIT_MS = 2_500;
  private final Vertx vertx = Vertx.vertx();
  /** What each end received, in order: "session PAUSE#1", "relay r1 PAUSE#1". */
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<String> emitted = new CopyOnWriteArrayList<>();
  private final List<String> local = new CopyOnWriteArrayList<>();
  private final List<Message<RelayControlRequest>> heldRelay = new CopyOnWriteArrayList<>();
  private boolean holdRelay;
  private final List<String> reopened = new CopyOnWriteArrayList<>();
  /** The route of the last {@link #pipeline}. */
  private RelayRoute route;

  ControlPipelineTest() {
    BusCodecs.register(vertx);
    vertx.eventBus().<EmitEvents>consumer(Addresses.SESSION_EMIT, m -> {
      List<NumberedEvent> numbered = new ArrayList<>();
      for (String event : m.body().events()) {
        emitted.add(event);
        numbered.add(NumberedEvent.of(event, EventSeq.durable(emitted.size())));
      }
      m.reply(new EmittedEvents(numbered));
    });
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  static SessionSnapshot session(boolean paused, boolean awaitingResume) {
    return new SessionSnapshot("s1", "i", List.of("Q1?", "Q2?"), 0, paused, awaitingResume, false, false, null,
        "gw-1", 0, 0, List.of(), 0);
  }

  /** The session service's end: applies every control to a snapshot, or refuses with {@code failure}. */
  private void sessionAnswers(SessionSnapshot after, int failure) {
    vertx.eventBus().<SessionControlRequest>consumer(Addresses.SESSION_CONTROL, m -> {
      received.add("session " + m.body().control() + "#" + m.body().clientSeq());
      if (failure != 0) {
        m.fail(failure, "refused: " + m.body().control());
      } else {
        m.reply(new SessionControlReply(after, false));
      }
    });
  }

  /** The relay's end: carries out every control and answers the session after it, or refuses with {@code failure}. */
  private void relayAnswers(String node, SessionSnapshot after, int failure) {
    vertx.eventBus().<RelayControlRequest>consumer(Addresses.relayNode(node), m -> {
      received.add("relay " + node + " " + m.body().control() + "#" + m.body().clientSeq());
      if (holdRelay) {
        heldRelay.add(m);
      } else if (failure != 0) {
        m.fail(failure, "refused: " + m.body().control());
      } else {
        m.reply(new SessionControlReply(after, false));
      }
    });
  }

  private void relayAnswers(String node) {
    relayAnswers(node, session(false, false), 0);
  }


  private ControlPipeline pipeline(String relayNode, SessionSnapshot start) {
    return Await.onLoop(vertx, () -> {
      DeliveryOptions bus = new DeliveryOptions().setSendTimeout(BUS_TIMEOUT_MS);
      RelayRoute route = new RelayRoute(vertx, "s1", "gw-1", "c-1", bus, OPEN_WAIT_MS,
          new LiveRelayView(vertx, BUS_TIMEOUT_MS, () -> System.nanoTime() / 1_000_000), () -> true);
      this.route = route;
      if (relayNode != null) {
        route.use(new UpstreamOpened("s1", relayNode, List.of(), false));
      }
      EventOutbox outbox = new EventOutbox(vertx, "s1", 2_000, (events, close) -> { });
      ControlPipeline pipeline = new ControlPipeline(vertx, "s1", "c-1", bus, route, outbox,
          session -> {
            reopened.add("reopen");
            UpstreamOpened opened = new UpstreamOpened("s1", "r2", List.of(), false);
            route.use(opened);
            return Future.succeededFuture(opened);
          },
          lost -> Future.succeededFuture(), local::add, (code, message) -> local.add(ServerEvents.error(code, message)));
      pipeline.start(start);
      return pipeline;
    });
  }

  private static ClientMessage.ControlMessage control(Control control, long seq) {
    return new ClientMessage.ControlMessage(control, control == Control.TEXT ? "hi" : null, seq);
  }

  private void submit(ControlPipeline pipeline, Control control, long seq) {
    Await.onLoop(vertx, () -> {
      pipeline.submit(control(control, seq));
      return null;
    });
  }

  @Test
  @DisplayName("each control goes to the relay holding the session, in one pass, only after the one before it was "
      + "carried out")
  void inOrder() {
    sessionAnswers(session(false, false), 0);
    relayAnswers("r1");
    holdRelay = true;
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    submit(pipeline, Control.NEXT_QUESTION, 1);
    submit(pipeline, Control.TEXT, 2);
    Await.until("the first reached the relay", Duration.ofSeconds(5), () -> heldRelay.size() == 1);
    Await.sleep(100);
    assertThat(received).as("the second waits for the first").containsExactly("relay r1 NEXT_QUESTION#1");
    holdRelay = false;
    heldRelay.get(0).reply(new SessionControlReply(session(false, false), false));
    Await.until("both carried out", Duration.ofSeconds(5), () -> received.size() == 2);
    Await.sleep(100);
    assertThat(received).as("the session service is not asked: the relay stores what it carries out")
        .containsExactly("relay r1 NEXT_QUESTION#1", "relay r1 TEXT#2");
  }

  @Test
  @DisplayName("a pause gates audio at once; the gate then follows the session's own flag")
  void audioGate() {
    relayAnswers("r1");
    holdRelay = true;
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    assertThat(Await.onLoop(vertx, pipeline::audioGated)).isFalse();
    submit(pipeline, Control.PAUSE, 1);
    assertThat(Await.onLoop(vertx, pipeline::audioGated)).as("before the relay answered").isTrue();
    Await.until("held", Duration.ofSeconds(5), () -> heldRelay.size() == 1);
    heldRelay.get(0).reply(new SessionControlReply(session(false, false), false));
    Await.until("the gate follows the snapshot", Duration.ofSeconds(5), () -> !Await.onLoop(vertx, pipeline::audioGated));
  }

  @Test
  @DisplayName("a refused control becomes a stored error the client can act on; the gate stays closed")
  void refused() {
    relayAnswers("r1", null, BusFailure.CONFLICT);
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    submit(pipeline, Control.PAUSE, 1);
    Await.until("the error was emitted", Duration.ofSeconds(5), () -> emitted.size() == 1);
    assertThat(Json.parse(emitted.get(0)).path("code").asText()).isEqualTo("invalid_state");
    assertThat(Json.parse(emitted.get(0)).path("message").asText()).isEqualTo("refused: PAUSE");
    assertThat(Await.onLoop(vertx, pipeline::audioGated)).as("a failed pause keeps audio back").isTrue();
    assertThat(received).as("a refusal is not sent elsewhere").containsExactly("relay r1 PAUSE#1");
  }

  @Test
  @DisplayName("a connection a newer one replaced hears so on its own socket, and nothing is stored")
  void superseded() {
    relayAnswers("r1", null, BusFailure.SUPERSEDED);
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    submit(pipeline, Control.NEXT_QUESTION, 1);
    Await.until("told", Duration.ofSeconds(5), () -> local.size() == 1);
    assertThat(Json.parse(local.get(0)).path("code").asText()).isEqualTo("replaced");
    assertThat(emitted).isEmpty();
  }

  @Test
  @DisplayName("an end the relay cannot confirm is applied by the session service, and the client is told")
  void endWithoutTheRelay() {
    SessionSnapshot ended = new SessionSnapshot("s1", "i", List.of("Q1?", "Q2?"), 0, false, false, false, true, null,
        "gw-1", 0, 0, List.of(), 1);
    sessionAnswers(ended, 0);
    vertx.eventBus().<RelayControlRequest>consumer(Addresses.relayNode("r1"), m -> received.add("relay r1 (silent)"));
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    submit(pipeline, Control.END, 1);
    Await.until("told", Duration.ofSeconds(15), () -> emitted.size() == 1);
    assertThat(Json.parse(emitted.get(0)).path("type").asText()).isEqualTo("interview.ended");
    assertThat(received).contains("session END#1");
  }

  @Test
  @DisplayName("without an upstream a control is told from here; a resume opens one first")
  void withoutUpstream() {
    sessionAnswers(session(false, true), 0);
    relayAnswers("r2");
    ControlPipeline pipeline = pipeline(null, session(false, true));
    submit(pipeline, Control.NEXT_QUESTION, 1);
    Await.until("told", Duration.ofSeconds(5), () -> emitted.size() == 1);
    assertThat(Json.parse(emitted.get(0)).path("type").asText()).isEqualTo("question.changed");
    submit(pipeline, Control.RESUME, 2);
    Await.until("carried out at the reopened relay", Duration.ofSeconds(5),
        () -> received.contains("relay r2 RESUME#2"));
    assertThat(reopened).containsExactly("reopen");
    assertThat(received).as("the state first, so a relay may claim the session; then the relay carries it out")
        .containsExactly("session NEXT_QUESTION#1", "session RESUME#2", "relay r2 RESUME#2");
  }

  @Test
  @DisplayName("a relay that times out is asked again while it still holds the session; the seq makes that harmless")
  void timeoutReprobesSameRelay() {
    List<Message<RelayControlRequest>> asked = new CopyOnWriteArrayList<>();
    vertx.eventBus().<RelayControlRequest>consumer(Addresses.relayNode("r1"), m -> {
      asked.add(m);
      if (asked.size() > 1) {
        // The first request is left unanswered, as a paused relay leaves it.
        m.reply(new SessionControlReply(session(false, false), false));
      }
    });
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    submit(pipeline, Control.TEXT, 1);
    Await.until("asked again after the bus timeout", Duration.ofSeconds(10), () -> asked.size() == 2);
    Await.sleep(300);
    assertThat(asked).extracting(m -> m.body().clientSeq()).containsExactly(1L, 1L);
    assertThat(emitted).as("no error: the second answer carried it").isEmpty();
  }

  @Test
  @DisplayName("a relay that never answers: past the wait for an open, the client gets unavailable")
  void timeoutGivesUp() {
    List<String> asked = new CopyOnWriteArrayList<>();
    vertx.eventBus().<RelayControlRequest>consumer(Addresses.relayNode("r1"), m -> asked.add("r1"));
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    submit(pipeline, Control.TEXT, 1);
    Await.until("the error was emitted", Duration.ofSeconds(15), () -> emitted.size() == 1);
    assertThat(Json.parse(emitted.get(0)).path("code").asText()).isEqualTo("unavailable");
    // Sent at 0, 1 and 2 s; the third times out past the 2.5 s bound.
    assertThat(asked).as("asked again, within the bound").hasSize(3);
  }

  @Test
  @DisplayName("at most MAX_QUEUED controls wait; more are refused on the socket")
  void bounded() {
    relayAnswers("r1");
    holdRelay = true;
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    Await.onLoop(vertx, () -> {
      for (int i = 1; i <= ControlPipeline.MAX_QUEUED + 1; i++) {
        pipeline.submit(control(Control.NEXT_QUESTION, i));
      }
      return null;
    });
    Await.until("refused", Duration.ofSeconds(5), () -> local.size() == 1);
    assertThat(Json.parse(local.get(0)).path("code").asText()).isEqualTo("rate_limited");
  }

  private static SessionSnapshot storedUpTo(long lastClientSeq) {
    return new SessionSnapshot("s1", "i", List.of("Q1?", "Q2?"), 0, false, false, false, false, null, "gw-1", 0, 0,
        List.of(), lastClientSeq);
  }

  @Test
  @DisplayName("typed turns a relay accepted and died with go to the relay the session moves to, in order, before "
      + "the next control; one the store has goes nowhere")
  void acceptedTextsFollowTheMove() {
    // r1 accepts typed turns 1 and 2 (not stored yet), and then the store has turn 1 (cursor 1).
    List<SessionSnapshot> r1Answers = new CopyOnWriteArrayList<>(List.of(storedUpTo(0), storedUpTo(1)));
    vertx.eventBus().<RelayControlRequest>consumer(Addresses.relayNode("r1"), m -> {
      received.add("relay r1 " + m.body().control() + "#" + m.body().clientSeq());
      m.reply(new SessionControlReply(r1Answers.remove(0), false));
    });
    relayAnswers("r2", storedUpTo(1), 0);
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    submit(pipeline, Control.TEXT, 1);
    submit(pipeline, Control.TEXT, 2);
    Await.until("r1 accepted both", Duration.ofSeconds(5), () -> received.size() == 2);

    // r1 dies with turn 2 waiting: the session moves to r2 while the client stays.
    Await.onLoop(vertx, () -> {
      route.use(new UpstreamOpened("s1", "r2", List.of(), true));
      pipeline.sessionMoved();
      pipeline.submit(control(Control.TEXT, 3));
      return null;
    });
    Await.until("r2 got the lost turn, then the next", Duration.ofSeconds(5), () -> received.size() == 4);
    Await.sleep(200);
    assertThat(received).containsExactly("relay r1 TEXT#1", "relay r1 TEXT#2", "relay r2 TEXT#2", "relay r2 TEXT#3");
    assertThat(emitted).as("nothing failed").isEmpty();

    // r2 answered with the store's cursor at 1: turns 2 and 3 wait at r2 now, and a later move sends them again.
    received.clear();
    relayAnswers("r3", storedUpTo(3), 0);
    Await.onLoop(vertx, () -> {
      route.use(new UpstreamOpened("s1", "r3", List.of(), true));
      pipeline.sessionMoved();
      return null;
    });
    Await.until("r3 got both", Duration.ofSeconds(5), () -> received.size() == 2);
    assertThat(received).containsExactly("relay r3 TEXT#2", "relay r3 TEXT#3");
    // r3's answer says the store has them: nothing goes again on the next move.
    received.clear();
    relayAnswers("r4");
    Await.onLoop(vertx, () -> {
      route.use(new UpstreamOpened("s1", "r4", List.of(), true));
      pipeline.sessionMoved();
      pipeline.submit(control(Control.NEXT_QUESTION, 4));
      return null;
    });
    Await.until("the next control reached r4", Duration.ofSeconds(5), () -> received.size() == 1);
    Await.sleep(200);
    assertThat(received).containsExactly("relay r4 NEXT_QUESTION#4");
  }

  @Test
  @DisplayName("a typed turn sent again that no longer fits the session is settled, and the client is told")
  void acceptedTextRefusedAfterTheMove() {
    relayAnswers("r1", storedUpTo(0), 0);
    relayAnswers("r2", storedUpTo(0), BusFailure.CONFLICT);
    ControlPipeline pipeline = pipeline("r1", session(false, false));
    submit(pipeline, Control.TEXT, 1);
    Await.until("r1 accepted it", Duration.ofSeconds(5), () -> received.size() == 1);
    Await.onLoop(vertx, () -> {
      route.use(new UpstreamOpened("s1", "r2", List.of(), true));
      pipeline.sessionMoved();
      return null;
    });
    Await.until("the client was told", Duration.ofSeconds(5), () -> emitted.size() == 1);
    assertThat(received).containsExactly("relay r1 TEXT#1", "relay r2 TEXT#1");
  }
}
