package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("TurnTaking: a typed turn waits for its moment, an owed answer is asked for when speech allows")
class TurnTakingTest {

  /** The upstream side as turn taking sees it: what was sent, and its activity fed by the test. */
  static final class Channel implements UpstreamChannel {
    final LinkActivity activity = new LinkActivity();
    final List<String> sent = new ArrayList<>();
    int responseRequests;
    boolean canSend = true;

    @Override
    public LinkActivity activity() {
      return activity;
    }

    @Override
    public void requestResponse() {
      if (activity.requestResponse()) {
        responseRequests++;
      }
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

  @Test
  @DisplayName("a typed turn sent while the AI answers enters only after that answer, then is answered")
  void typedTurnWaitsForTheAnswer() {
    link.hear(new UpstreamEvent.ResponseCreated(), turns);
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
    assertThat(link.responseRequests).as("the typed turn owes an answer, and the link is idle").isEqualTo(1);
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
    timers.advance(TurnTaking.SPEECH_STALL_MS * 2);
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
    timers.advance(TurnTaking.SPEECH_STALL_MS);
    turns.progress(link);
    assertThat(link.responseRequests).isEqualTo(1);
    link.hear(new UpstreamEvent.ResponseCreated(), turns);
    link.hear(new UpstreamEvent.ResponseDone("failed", "resp_1", null, "rate_limit_exceeded"), turns);
    long wait = backoff.refused(timers.now());
    turns.progress(link);
    assertThat(link.responseRequests).as("not at once").isEqualTo(1);
    timers.advance(wait - 1);
    assertThat(link.responseRequests).isEqualTo(1);
    timers.advance(2);
    assertThat(link.responseRequests).as("after the wait").isEqualTo(2);

    link.hear(new UpstreamEvent.ResponseCreated(), turns);
    link.hear(new UpstreamEvent.ResponseDone("failed", "resp_2", null, "rate_limit_exceeded"), turns);
    long again = backoff.refused(timers.now());
    turns.progress(link);
    turns.close();
    timers.advance(again + 1);
    assertThat(link.responseRequests).as("closed: no retry").isEqualTo(2);
  }

  @Test
  @DisplayName("client seqs are carried out once; at most MAX_WAITING_TEXTS typed turns wait")
  void seqsAndBound() {
    assertThat(turns.seen(3)).as("applied before this relay held the session").isTrue();
    assertThat(turns.seen(4)).isFalse();
    assertThat(turns.seen(0)).as("no seq, never a duplicate").isFalse();
    link.hear(new UpstreamEvent.ResponseCreated(), turns);
    for (int i = 0; i < TurnTaking.MAX_WAITING_TEXTS; i++) {
      assertThat(turns.acceptText("t" + i, 10 + i)).isTrue();
    }
    assertThat(turns.acceptText("one too many", 99)).isFalse();
    assertThat(turns.seen(99)).as("a refused turn was not accepted").isFalse();
    assertThat(turns.seen(10 + TurnTaking.MAX_WAITING_TEXTS - 1)).isTrue();
  }

  @Test
  @DisplayName("an owed answer waits while the user speaks, and is asked for once the speech stalled")
  void stalledSpeech() {
    turns.expect("sys_1");
    link.hear(new UpstreamEvent.ItemAdded("sys_1"), turns);
    link.hear(new UpstreamEvent.SpeechStarted(), turns);
    turns.audioForwarded(timers.now());
    turns.progress(link);
    assertThat(link.responseRequests).isZero();
    timers.advance(TurnTaking.SPEECH_STALL_MS - 100);
    turns.audioForwarded(timers.now());
    timers.advance(200);
    assertThat(link.responseRequests).as("audio still came 100 ms ago").isZero();
    timers.advance(TurnTaking.SPEECH_STALL_MS);
    assertThat(link.responseRequests).as("no audio for the stall time: the speech stalled").isEqualTo(1);
  }

  @Test
  @DisplayName("nothing is asked for while the audio gate is closed")
  void gated() {
    state.update(ConversationStateTest.snapshot("s1", true, false, 0, List.of()));
    turns.expect("sys_1");
    link.hear(new UpstreamEvent.ItemAdded("sys_1"), turns);
    turns.progress(link);
    timers.advance(10_000);
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
