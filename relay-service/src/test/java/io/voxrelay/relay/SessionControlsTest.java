package io.voxrelay.relay;

import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.RelayControlRequest;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("SessionControls: a control stored with its event, then carried out; each client seq once")
class SessionControlsTest {

  private final ManualTimers timers = new ManualTimers();
  private final ConversationState state = new ConversationState(
      ConversationStateTest.snapshot("s1", false, false, 0, List.of()));
  private final List<String> recorded = new ArrayList<>();
  private final TurnTaking turns = new TurnTaking(state, timers, 3,
      (turn, clientSeq) -> recorded.add(turn.text() + "#" + clientSeq));
  private final TurnTakingTest.Channel link = new TurnTakingTest.Channel();
  private UpstreamChannel current = link;
  /** What the session was made to do, in order: "store PAUSE#4 close 0", "end ENDED", "cancel tools", "client …". */
  private final List<String> done = new ArrayList<>();
  private final List<Promise<SessionControlReply>> storing = new ArrayList<>();
  private String attached = "c-1";
  private final SessionLife life = new SessionLife(new SessionLife.Ends() {
    @Override
    public void upstreamClosed(boolean failed) {
    }

    @Override
    public void storedThenClose(String event, int closeCode) {
    }

    @Override
    public void liveThenClose(String event, int closeCode) {
    }

    @Override
    public void detachClients() {
    }

    @Override
    public void shutDown() {
    }
  }, timers, 10_000);
  private final SessionControls controls = new SessionControls(UpstreamDefaultsForTest.DEFAULTS, state, turns,
      () -> done.add("cancel tools"), life, () -> current, new SessionControls.Host() {
        @Override
        public void toClient(String json, int closeCode) {
          done.add("client " + Json.parse(json).path("code").asText() + " " + Json.parse(json).path("clientSeq"));
        }

        @Override
        public Future<SessionControlReply> storeControl(ClientControl control, int closeCode) {
          done.add("store " + control.control() + "#" + control.clientSeq() + " close " + closeCode);
          Promise<SessionControlReply> stored = Promise.promise();
          storing.add(stored);
          return stored.future();
        }

        @Override
        public String connectionId() {
          return attached;
        }

        @Override
        public void end(SessionLife.Exit exit) {
          done.add("end " + exit);
        }

        @Override
        public void active() {
        }
      });

  SessionControlsTest() {
    life.opened();
  }

  private Future<SessionControlReply> apply(Control control, long seq) {
    return controls.apply(new RelayControlRequest("s1", control, control == Control.TEXT ? "hi" : null, seq, "c-1"));
  }

  private static SessionControlReply after(boolean paused, boolean ended) {
    return new SessionControlReply(new SessionSnapshot("s1", "Be kind.", List.of("Q1?", "Q2?"), 0, paused, false,
        false, ended, null, null, 0, 0, List.of(), 4), false);
  }

  private static int failureCode(Future<?> result) {
    assertThat(result.failed()).as("failed").isTrue();
    assertThat(result.cause()).isInstanceOf(ReplyException.class);
    return ((ReplyException) result.cause()).failureCode();
  }

  @Test
  @DisplayName("a pause is stored first, then carried out upstream; the reply is the session after it")
  void storedThenCarriedOut() {
    Future<SessionControlReply> reply = apply(Control.PAUSE, 4);
    assertThat(done).containsExactly("store PAUSE#4 close 0");
    assertThat(link.sent).as("nothing upstream before it is stored").isEmpty();
    storing.get(0).complete(after(true, false));
    assertThat(reply.result().session().paused()).isTrue();
    assertThat(state.paused()).isTrue();
    assertThat(link.sent).extracting(e -> Json.parse(e).path("type").asText())
        .containsExactly("session.update", "input_audio_buffer.clear");
    assertThat(done).containsExactly("store PAUSE#4 close 0", "cancel tools");
  }

  @Test
  @DisplayName("a resend while its control is being stored waits for it; once stored, it is a duplicate")
  void resendCarriedOutOnce() {
    Future<SessionControlReply> first = apply(Control.NEXT_QUESTION, 4);
    Future<SessionControlReply> resent = apply(Control.NEXT_QUESTION, 4);
    assertThat(resent).as("the same storing").isSameAs(first);
    storing.get(0).complete(after(false, false));
    SessionControlReply late = apply(Control.NEXT_QUESTION, 4).result();
    assertThat(late.duplicate()).isTrue();
    assertThat(done).as("stored once").containsExactly("store NEXT_QUESTION#4 close 0");
    assertThat(apply(Control.PAUSE, 2).result().duplicate()).as("below the cursor the session came with").isTrue();
  }

  @Test
  @DisplayName("a typed turn is checked here and waits for its moment, stored as it enters; paused, it is refused")
  void typedTurns() {
    SessionControlReply accepted = apply(Control.TEXT, 4).result();
    assertThat(accepted.duplicate()).isFalse();
    assertThat(recorded).as("entered at once: nothing is under way").containsExactly("hi#4");
    assertThat(done).as("no separate store: the turn carries its seq").isEmpty();
    assertThat(apply(Control.TEXT, 4).result().duplicate()).isTrue();

    apply(Control.PAUSE, 5);
    storing.get(0).complete(after(true, false));
    assertThat(failureCode(apply(Control.TEXT, 6))).isEqualTo(BusFailure.CONFLICT);
    assertThat(turns.seen(6)).as("a refused turn moves no cursor").isFalse();
    assertThat(recorded).containsExactly("hi#4");
  }

  @Test
  @DisplayName("refusals keep their code: a replaced connection, the store's own, and a fenced claim as not held")
  void refusals() {
    attached = "c-2";
    assertThat(failureCode(apply(Control.PAUSE, 4))).isEqualTo(BusFailure.SUPERSEDED);
    attached = "c-1";
    Future<SessionControlReply> refused = apply(Control.NEXT_QUESTION, 4);
    storing.get(0).fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusFailure.CONFLICT, "no next question"));
    assertThat(failureCode(refused)).isEqualTo(BusFailure.CONFLICT);
    assertThat(turns.seen(4)).isFalse();
    Future<SessionControlReply> fenced = apply(Control.PAUSE, 4);
    storing.get(1).fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BusFailure.FENCED, "stale"));
    assertThat(failureCode(fenced)).as("the gateway moves the session and sends it on").isEqualTo(BusFailure.NOT_FOUND);
    assertThat(link.sent).isEmpty();
  }

  @Test
  @DisplayName("an end is stored with its close, then the session ends; without a link other controls wait")
  void endAndNoLink() {
    current = null;
    assertThat(apply(Control.PAUSE, 4).failed()).as("no link: nothing stored, the client sends it again").isTrue();
    assertThat(done).isEmpty();
    Future<SessionControlReply> ended = apply(Control.END, 4);
    storing.get(0).complete(after(false, true));
    assertThat(ended.result().session().ended()).isTrue();
    assertThat(done).containsExactly("store END#4 close " + CloseCode.NORMAL.code(), "end ENDED");
  }

  @Test
  @DisplayName("a session being handed over refuses controls as moving; withdrawn turns are told to the client")
  void movingAndWithdrawn() {
    controls.withdraw(List.of(5L, 6L));
    assertThat(done).containsExactly("client turn_withdrawn 5", "client turn_withdrawn 6");
    life.leaving();
    assertThat(apply(Control.PAUSE, 7).cause()).isInstanceOf(SessionControls.Moving.class);
  }
}
