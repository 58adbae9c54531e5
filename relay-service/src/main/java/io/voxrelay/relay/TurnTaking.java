package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;

/**
 * Whose turn it is in one session's conversation: every item the relay adds gets exactly one answer
 * ({@link AnswerTracker}), and a typed turn enters the conversation only when no answer is under way or owed,
 * so each typed turn gets its own answer and the transcript reads in the order the conversation happened. It
 * also remembers which client seqs were accepted, so a control resent after a reconnect is carried out once.
 * Confined to the relay's event loop; time comes from {@link Timers}.
 */
final class TurnTaking {

  /**
   * Speech with no audio for this long has stalled (the microphone stopped mid-word): turn detection will
   * never hear it end, so it no longer holds back an answer that is owed.
   */
  static final long SPEECH_STALL_MS = 1_000;
  /** Typed turns waiting for the AI's current answer to finish (or for an upstream); more are refused. */
  static final int MAX_WAITING_TEXTS = 16;

  /** Where a typed turn goes once it enters the conversation: recorded, with the client seq it carried out. */
  interface Recorder {
    void record(Turn turn, long clientSeq);
  }

  /** A typed turn accepted from the client, not yet in the upstream conversation. */
  private record WaitingText(String text, long clientSeq) {
  }

  private final ConversationState state;
  private final Timers timers;
  private final Recorder recorder;
  private final AnswerTracker answers = new AnswerTracker();
  private final Deque<WaitingText> waitingTexts = new ArrayDeque<>();
  /**
   * The highest client seq accepted here (carried out, or a typed turn waiting its turn): a control resent
   * after a reconnect is carried out once.
   */
  private long lastAcceptedClientSeq;
  /** When audio was last forwarded upstream. */
  private long lastAudioAt;
  private long stallTimer = -1;
  private UpstreamChannel stalledOn;
  /** While true (a tool call is under way), typed turns wait: the model answers the call first. */
  private BooleanSupplier holdTexts = () -> false;
  /** How long an owed answer must still wait before it is asked for (the upstream's rate limit); 0: not. */
  private java.util.function.LongSupplier answerWaitMs = () -> 0;
  private long answerTimer = -1;

  TurnTaking(ConversationState state, Timers timers, long appliedClientSeq, Recorder recorder) {
    this.state = state;
    this.timers = timers;
    this.lastAcceptedClientSeq = appliedClientSeq;
    this.recorder = recorder;
  }

  /** Typed turns wait while {@code hold} is true (a tool call is under way). */
  void holdTextsWhile(BooleanSupplier hold) {
    this.holdTexts = hold;
  }

  /** Owed answers wait {@code waitMs} (the upstream's rate limit refused one): asked for once it is 0. */
  void holdAnswersFor(java.util.function.LongSupplier waitMs) {
    this.answerWaitMs = waitMs;
  }

  /** Whether client message {@code clientSeq} was accepted here already (0: the client sent no seq). */
  boolean seen(long clientSeq) {
    return clientSeq > 0 && clientSeq <= lastAcceptedClientSeq;
  }

  /** Client message {@code clientSeq} was carried out. */
  void accepted(long clientSeq) {
    lastAcceptedClientSeq = Math.max(lastAcceptedClientSeq, clientSeq);
  }

  /**
   * A typed turn from the client: it waits for its moment (also while the upstream reconnects).
   *
   * @return false, accepting nothing, when {@link #MAX_WAITING_TEXTS} already wait
   */
  boolean acceptText(String text, long clientSeq) {
    if (waitingTexts.size() >= MAX_WAITING_TEXTS) {
      return false;
    }
    accepted(clientSeq);
    waitingTexts.add(new WaitingText(text, clientSeq));
    return true;
  }

  /** The relay added {@code itemId} (a system turn) and wants it answered. */
  void expect(String itemId) {
    answers.expect(itemId);
  }

  /** Audio went upstream at {@code at}: the user may be speaking. */
  void audioForwarded(long at) {
    lastAudioAt = at;
  }

  /** Takes an upstream event into account. */
  void observe(UpstreamEvent event) {
    if (event instanceof UpstreamEvent.ItemAdded added) {
      answers.itemAdded(added.itemId());
    } else if (event instanceof UpstreamEvent.ResponseCreated) {
      answers.responseCreated();
    } else if (event instanceof UpstreamEvent.ResponseDone done) {
      answers.responseDone(done.status());
    } else if (event instanceof UpstreamEvent.Failure failure) {
      String refused = RealtimeClientEvents.itemRefusedBy(failure.eventId());
      if (refused != null) {
        answers.refused(refused);
      }
    }
  }

  /** Whether {@code event} may have made room for an owed answer or a waiting typed turn. */
  boolean mayMoveOn(UpstreamEvent event) {
    return event instanceof UpstreamEvent.ItemAdded || event instanceof UpstreamEvent.ResponseDone
        || event instanceof UpstreamEvent.Failure || event instanceof UpstreamEvent.SpeechEnded;
  }

  /** A new upstream conversation, with the history restored: nothing is being answered on it. */
  void conversationRestored() {
    answers.conversationRestored();
  }

  /**
   * Moves the conversation on at a moment when that is safe: asks for the answer an item still owes, or
   * else lets the next waiting typed turn in. Called after every change that can allow either.
   */
  void progress(UpstreamChannel link) {
    if (link == null || !link.canSend()) {
      // Nothing would reach the upstream (the relay is fenced): a turn recorded now would be echoed yet never
      // carried out, and a response marked as asked for would never come. Called again once it can send.
      return;
    }
    LinkActivity activity = link.activity();
    if (answers.owesAnswer()) {
      if (state.gated() || !activity.noResponse()) {
        return;
      }
      long wait = answerWaitMs.getAsLong();
      if (wait > 0) {
        if (answerTimer < 0) {
          answerTimer = timers.schedule(wait, () -> {
            answerTimer = -1;
            progress(link);
          });
        }
        return;
      }
      long silentFor = timers.now() - lastAudioAt;
      if (activity.idle() || silentFor >= SPEECH_STALL_MS) {
        link.requestResponse();
      } else if (stallTimer < 0) {
        // The user is speaking: the answer follows when the speech ends, or once it has stalled.
        stalledOn = link;
        stallTimer = timers.schedule(SPEECH_STALL_MS - silentFor + 10, () -> {
          stallTimer = -1;
          progress(stalledOn);
        });
      }
      return;
    }
    if (answers.pending() == 0 && !activity.responseActive() && !holdTexts.getAsBoolean()
        && !waitingTexts.isEmpty()) {
      WaitingText next = waitingTexts.poll();
      Turn turn = new Turn(RealtimeClientEvents.newItemId(), Turn.USER, next.text());
      link.send(RealtimeClientEvents.conversationItemCreate(turn.itemId(), turn.role(), turn.text()));
      answers.expect(turn.itemId());
      recorder.record(turn, next.clientSeq());
    }
  }

  /** The session closed: nothing more moves on. */
  void close() {
    if (stallTimer >= 0) {
      timers.cancel(stallTimer);
      stallTimer = -1;
    }
    if (answerTimer >= 0) {
      timers.cancel(answerTimer);
      answerTimer = -1;
    }
  }
}
