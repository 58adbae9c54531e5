package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TurnTaking: a typed turn waits for its moment, then gets the answer asked for it; both waits are bounded")
class TurnTakingTest {

  /** The upstream side as turn taking sees it: what was sent, and its activity fed by the test. */
  static final class Channel implements UpstreamChannel {
    final LinkActivity activity = new LinkActivity();
    final List<String> sent = new ArrayList<>();
    int responseRequests;
    /** The turns the response requests named, in order (asked again included). */
    final List<String> askedFor = new ArrayList<>();
    boolean canSend = true;

    @Override
    public LinkActivity activity() {
      return activity;
    }

    @Override
    public boolean requestResponse(String itemId) {
      if (!canSend || !activity.requestResponse()) {
        return false;
      }
      responseRequests++;
      askedFor.add(itemId);
      return true;
    }

    @Override
    public void requestResponseAgain(String itemId) {
      activity.requestedAgain();
      responseRequests++;
      askedFor.add(itemId);
    }

    @Override
    public void send(String clientEvent) {
      if (canSend) {
        sent.add(clientEvent);
      }
    }

    @Override
    public boolean canSend() {
      return canSend;
    }

    void hear(UpstreamEvent event, TurnTaking turns) {
      activity.observe(event);
      turns.observe(event);
    }

    /** The item ids of the conversation items sent. */
    List<String> itemsSent() {
      return sent.stream().map(Json::parse).filter(e -> "conversation.item.create".equals(e.path("type").asText()))
          .map(e -> e.path("item").path("id").asText()).toList();
    }
  }

  private final ManualTimers timers = new ManualTimers();
  private final ConversationState state = new ConversationState(
      ConversationStateTest.snapshot("s1", false, false, 0, List.of()));
  private final List<String> recorded = new ArrayList<>();
  private final TurnTaking turns = new TurnTaking(state, timers, 3,
      (turn, clientSeq) -> recorded.add(turn.text() + "#" + clientSeq));
  private final Channel link = new Channel();

  /** Sends the typed turn in, the upstream confirms it: returns its item id. */
  private String enter(String text, long seq) {
    assertThat(turns.acceptText(text, seq)).isTrue();
    turns.progress(link);
    String item = link.itemsSent().get(link.itemsSent().size() - 1);
    link.hear(new UpstreamEvent.ItemAdded(item), turns);
    turns.progress(link);
    return item;
  }

  @Test
  @DisplayName("a typed turn sent while the AI answers enters only after that answer, then its own answer is asked for")
  void typedTurnWaitsForTheAnswer() {
    link.hear(new UpstreamEvent.ResponseCreated(null), turns);
    assertThat(turns.acceptText("first", 4)).isTrue();
    turns.progress(link);
    assertThat(link.itemsSent()).as("the AI is answering").isEmpty();

    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(link.itemsSent()).hasSize(1);
    assertThat(recorded).containsExactly("first#4");
    String item = link.itemsSent().get(0);

    link.hear(new UpstreamEvent.ItemAdded(item), turns);
    turns.progress(link);
    assertThat(link.askedFor).as("the answer asked for names the typed turn").containsExactly(item);
  }

  @Test
  @DisplayName("a typed turn is answered while turn detection hears speech that never ends (a noisy microphone)")
  void typedTurnAnsweredThroughEndlessSpeech() {
    // Chromium's fake microphone beeps every half second: server VAD hears one speech that never stops.
    link.hear(new UpstreamEvent.SpeechStarted(), turns);
    String item = enter("Hello, I am ready.", 4);
    assertThat(link.askedFor).as("asked for at once, not after the speech ends").containsExactly(item);
    link.hear(new UpstreamEvent.ResponseCreated(item), turns);
    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    timers.advance(TurnTaking.ANSWER_WAIT_MS * 3);
    assertThat(link.askedFor).as("answered: nothing more is asked").containsExactly(item);
  }

  @Test
  @DisplayName("speech committed with a typed turn gets its own answer after the typed turn's, never in its place")
  void speechGetsItsOwnAnswerAfterTheTypedTurn() {
    String typed = enter("typed", 4);
    link.hear(new UpstreamEvent.SpeechCommitted("item_speech"), turns);
    turns.progress(link);
    assertThat(link.askedFor).containsExactly(typed);
    // The typed turn's answer begins and is cut off by the user's speech (barge-in).
    link.hear(new UpstreamEvent.ResponseCreated(typed), turns);
    link.hear(new UpstreamEvent.ResponseDone("cancelled"), turns);
    turns.progress(link);
    assertThat(link.askedFor).as("the typed turn is answered again before the speech").containsExactly(typed, typed);
    link.hear(new UpstreamEvent.ResponseCreated(typed), turns);
    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(link.askedFor).as("then the speech, on its own").containsExactly(typed, typed, "item_speech");
    link.hear(new UpstreamEvent.ResponseCreated("item_speech"), turns);
    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(link.responseRequests).isEqualTo(3);
  }

  @Test
  @DisplayName("a typed turn waits for the answer owed to speech that finished before it")
  void typedTurnWaitsForOwedSpeechAnswer() {
    link.hear(new UpstreamEvent.SpeechCommitted("item_speech"), turns);
    turns.progress(link);
    assertThat(turns.acceptText("typed", 4)).isTrue();
    turns.progress(link);
    assertThat(link.itemsSent()).as("the speech's answer comes first").isEmpty();
    link.hear(new UpstreamEvent.ResponseCreated("item_speech"), turns);
    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(link.itemsSent()).hasSize(1);
  }

  @Test
  @DisplayName("while the link cannot send (the relay is fenced), nothing moves on: no turn recorded, no answer marked asked")
  void fencedLinkMovesNothing() {
    link.canSend = false;
    assertThat(turns.acceptText("typed while fenced", 4)).isTrue();
    turns.progress(link);
    assertThat(recorded).as("a turn recorded now would be echoed and never carried out").isEmpty();

    turns.expect("sys_1");
    link.hear(new UpstreamEvent.ItemAdded("sys_1"), turns);
    turns.progress(link);
    timers.advance(TurnTaking.ANSWER_WAIT_MS * 2);
    assertThat(link.activity.noResponse()).as("no response marked as asked for").isTrue();

    link.canSend = true;
    turns.progress(link);
    assertThat(link.responseRequests).as("the owed answer is asked for once the link can send").isEqualTo(1);
  }

  @Test
  @DisplayName("an answer the rate limit refused is asked for again only once the wait is over, and not after close")
  void answerWaitsOutTheRateLimit() {
    RateLimitBackoff backoff = new RateLimitBackoff();
    turns.holdAnswersFor(() -> backoff.waitMs(timers.now()));
    turns.expect("sys_1");
    link.hear(new UpstreamEvent.ItemAdded("sys_1"), turns);
    turns.progress(link);
    assertThat(link.responseRequests).isEqualTo(1);
    link.hear(new UpstreamEvent.ResponseCreated("sys_1"), turns);
    link.hear(new UpstreamEvent.ResponseDone("failed", "resp_1", null, "rate_limit_exceeded"), turns);
    long wait = backoff.refused(timers.now());
    turns.progress(link);
    assertThat(link.responseRequests).as("not at once").isEqualTo(1);
    timers.advance(wait - 1);
    assertThat(link.responseRequests).isEqualTo(1);
    timers.advance(2);
    assertThat(link.responseRequests).as("after the wait").isEqualTo(2);

    link.hear(new UpstreamEvent.ResponseCreated("sys_1"), turns);
    link.hear(new UpstreamEvent.ResponseDone("failed", "resp_2", null, "rate_limit_exceeded"), turns);
    long again = backoff.refused(timers.now());
    turns.progress(link);
    turns.close();
    timers.advance(again + 1);
    assertThat(link.responseRequests).as("closed: no retry").isEqualTo(2);
  }

  @Test
  @DisplayName("an answer that has not begun ANSWER_WAIT_MS after it was asked for is asked for again, once")
  void overdueAnswerAskedAgainOnce() {
    String item = enter("typed", 4);
    assertThat(link.askedFor).containsExactly(item);
    // The request is lost: no response.created, no error.
    timers.advance(TurnTaking.ANSWER_WAIT_MS - 1);
    assertThat(link.askedFor).as("not before T_answer").hasSize(1);
    timers.advance(1);
    assertThat(link.askedFor).as("asked again at T_answer").containsExactly(item, item);
    timers.advance(TurnTaking.ANSWER_WAIT_MS * 4);
    assertThat(link.askedFor).as("once only").hasSize(2);
    link.hear(new UpstreamEvent.ResponseCreated(item), turns);
    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(recorded).containsExactly("typed#4");
  }

  @Test
  @DisplayName("an answer that begins in time is not asked for again")
  void timelyAnswerNotAskedAgain() {
    String item = enter("typed", 4);
    timers.advance(TurnTaking.ANSWER_WAIT_MS - 100);
    link.hear(new UpstreamEvent.ResponseCreated(item), turns);
    timers.advance(TurnTaking.ANSWER_WAIT_MS * 2);
    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(link.askedFor).containsExactly(item);
  }

  @Test
  @DisplayName("a typed turn that cannot enter within ENTER_WAIT_MS is withdrawn with those behind it; resent, it is carried out once")
  void waitingTurnWithdrawnAndResent() {
    List<List<Long>> withdrawn = new ArrayList<>();
    turns.bound(withdrawn::add, (session, count, since) -> { });
    link.hear(new UpstreamEvent.ResponseCreated(null), turns);
    assertThat(turns.acceptText("first", 4)).isTrue();
    timers.advance(1_000);
    assertThat(turns.acceptText("second", 5)).isTrue();
    turns.progress(link);
    timers.advance(TurnTaking.ENTER_WAIT_MS - 1_001);
    assertThat(withdrawn).as("not before T_enter").isEmpty();
    timers.advance(1);
    assertThat(withdrawn).containsExactly(List.of(4L, 5L));
    assertThat(turns.seen(4)).as("taken back: the resend counts").isFalse();
    assertThat(turns.seen(3)).isTrue();

    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(link.itemsSent()).as("a withdrawn turn never enters as first sent").isEmpty();

    assertThat(turns.acceptText("first", 4)).isTrue();
    assertThat(turns.seen(4)).isTrue();
    turns.progress(link);
    assertThat(recorded).containsExactly("first#4");
  }

  @Test
  @DisplayName("a waiting turn is not withdrawn when a later control was carried out: it enters later")
  void withdrawalRefused() {
    List<List<Long>> withdrawn = new ArrayList<>();
    turns.bound(withdrawn::add, (session, count, since) -> { });
    link.hear(new UpstreamEvent.ResponseCreated(null), turns);
    assertThat(turns.acceptText("second", 5)).isTrue();
    turns.accepted(6);
    timers.advance(TurnTaking.ENTER_WAIT_MS * 2);
    assertThat(withdrawn).as("a later control was carried out: the order stays").isEmpty();
    assertThat(turns.acceptText("third", 7)).isTrue();
    timers.advance(TurnTaking.ENTER_WAIT_MS * 2);
    assertThat(withdrawn).as("5 and 7 with 6 among them: the order stays").isEmpty();
    assertThat(turns.seen(5)).as("still accepted").isTrue();
    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(recorded).containsExactly("second#5");
  }

  @Test
  @DisplayName("the waiting typed turns are counted, with the oldest's start, until they enter")
  void waitingTurnsCounted() {
    List<String> reports = new ArrayList<>();
    turns.bound(seqs -> { }, (session, count, since) -> reports.add(count + "@" + since));
    link.hear(new UpstreamEvent.ResponseCreated(null), turns);
    timers.advance(7);
    turns.acceptText("first", 4);
    turns.progress(link);
    assertThat(reports).last().isEqualTo("1@7");
    link.hear(new UpstreamEvent.ResponseDone("completed"), turns);
    turns.progress(link);
    assertThat(reports).last().isEqualTo("0@-1");
  }

  @Test
  @DisplayName("client seqs are carried out once; at most MAX_WAITING_TEXTS typed turns wait")
  void seqsAndBound() {
    assertThat(turns.seen(3)).as("applied before this relay held the session").isTrue();
    assertThat(turns.seen(4)).isFalse();
    assertThat(turns.seen(0)).as("no seq, never a duplicate").isFalse();
    link.hear(new UpstreamEvent.ResponseCreated(null), turns);
    for (int i = 0; i < TurnTaking.MAX_WAITING_TEXTS; i++) {
      assertThat(turns.acceptText("t" + i, 10 + i)).isTrue();
    }
    assertThat(turns.acceptText("one too many", 99)).isFalse();
    assertThat(turns.seen(99)).as("a refused turn was not accepted").isFalse();
    assertThat(turns.seen(10 + TurnTaking.MAX_WAITING_TEXTS - 1)).isTrue();
  }

  @Test
  @DisplayName("nothing is asked for while the audio gate is closed, nor asked again")
  void gated() {
    state.update(ConversationStateTest.snapshot("s1", true, false, 0, List.of()));
    turns.expect("sys_1");
    link.hear(new UpstreamEvent.ItemAdded("sys_1"), turns);
    turns.progress(link);
    timers.advance(TurnTaking.ANSWER_WAIT_MS * 3);
    assertThat(link.responseRequests).isZero();
  }

  @Test
  @DisplayName("an item the upstream refused no longer holds the typed turns behind it")
  void refusedItem() {
    assertThat(turns.acceptText("first", 4)).isTrue();
    turns.progress(link);
    String item = link.itemsSent().get(0);
    assertThat(turns.acceptText("second", 5)).isTrue();
    turns.progress(link);
    assertThat(link.itemsSent()).as("the first is not answered yet").hasSize(1);
    link.hear(new UpstreamEvent.Failure("invalid_value", "refused", "ev_" + item), turns);
    turns.progress(link);
    assertThat(link.itemsSent()).hasSize(2);
    assertThat(recorded).containsExactly("first#4", "second#5");
  }
}
