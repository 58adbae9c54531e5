package io.voxrelay.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The asking for owed answers in one session's conversation: the answer the oldest owed turn is due is asked
 * for once a response may begin (not while paused, nor while the upstream's rate limit makes it wait), and one
 * that has not begun {@link TurnTaking#ANSWER_WAIT_MS} after it was owed or last asked for is asked for again,
 * once. Part of {@link TurnTaking}; confined to the relay's event loop.
 */
final class AnswerRequests {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerRequests.class);

  private final ConversationState state;
  private final Timers timers;
  private final AnswerTracker answers;
  /** The link the last move was made on: the timers act on it. */
  private final Supplier<UpstreamChannel> lastLink;
  /** Moves the conversation on again (after a rate limit's wait). */
  private final Runnable progress;
  /** How long an owed answer must still wait before it is asked for (the upstream's rate limit); 0: not. */
  private LongSupplier answerWaitMs = () -> 0;
  private long answerTimer = -1;
  private long answerWatch = -1;
  /** The turn whose answer was last asked for, and when (-1: not since it was last owed). */
  private String askedFor;
  private long askedAt = -1;
  /** The turn whose answer was asked for again already: once per turn. */
  private String askedAgainFor;

  AnswerRequests(ConversationState state, Timers timers, AnswerTracker answers, Supplier<UpstreamChannel> lastLink,
                 Runnable progress) {
    this.state = state;
    this.timers = timers;
    this.answers = answers;
    this.lastLink = lastLink;
    this.progress = progress;
  }

  /** Owed answers wait {@code waitMs} (the upstream's rate limit refused one): asked for once it is 0. */
  void holdFor(LongSupplier waitMs) {
    this.answerWaitMs = waitMs;
  }

  /** A new upstream conversation: nothing was asked for on it. */
  void restored() {
    askedAt = -1;
  }

  /** Asks for the answer {@code owed} is due, when a response may begin now; watches that it does begin. */
  void askFor(String owed, UpstreamChannel link) {
    if (state.gated() || !link.activity().noResponse()) {
      watchAnswer();
      return;
    }
    long wait = answerWaitMs.getAsLong();
    if (wait > 0) {
      if (answerTimer < 0) {
        answerTimer = timers.schedule(wait, () -> {
          answerTimer = -1;
          progress.run();
        });
      }
      return;
    }
    if (link.requestResponse(owed)) {
      askedFor = owed;
      askedAt = timers.now();
    }
    watchAnswer();
  }

  /** Checks, {@link TurnTaking#ANSWER_WAIT_MS} after the oldest owed answer was owed or asked for, that it began. */
  private void watchAnswer() {
    String owed = answers.nextToAnswer();
    if (owed == null || answerWatch >= 0 || state.gated() || answerWaitMs.getAsLong() > 0) {
      // Paused or rate-limited, the wait is the user's or the upstream's: the watch starts again once the
      // answer may be asked for (progress asks, and watches, then).
      return;
    }
    long due = waitingSince(owed) + TurnTaking.ANSWER_WAIT_MS;
    if (owed.equals(askedAgainFor) && due <= timers.now()) {
      return; // asked for again once already
    }
    answerWatch = timers.schedule(Math.max(1, due - timers.now()), () -> {
      answerWatch = -1;
      answerOverdue();
    });
  }

  /** The oldest owed answer may be overdue: asked for again once, if it is (not while paused or rate-limited). */
  private void answerOverdue() {
    String owed = answers.nextToAnswer();
    UpstreamChannel link = lastLink.get();
    if (owed == null || link == null || !link.canSend()) {
      return;
    }
    long since = waitingSince(owed);
    boolean overdue = timers.now() - since >= TurnTaking.ANSWER_WAIT_MS;
    if (overdue && !state.gated() && answerWaitMs.getAsLong() == 0 && !owed.equals(askedAgainFor)) {
      LOG.warn("[Relay] the answer to {} of {} has not begun {} ms after it was owed or asked for; asking again",
          owed, state.sessionId(), timers.now() - since);
      askedAgainFor = owed;
      askedFor = owed;
      askedAt = timers.now();
      link.requestResponseAgain(owed);
    }
    watchAnswer();
  }

  /** Since when the answer {@code owed} is due has been waiting: since it was owed, or last asked for. */
  private long waitingSince(String owed) {
    return Math.max(answers.owedSince(owed), owed.equals(askedFor) ? askedAt : -1);
  }

  /** The session closed: no timer runs on. */
  void close() {
    for (long timer : new long[] {answerTimer, answerWatch}) {
      if (timer >= 0) {
        timers.cancel(timer);
      }
    }
    answerTimer = -1;
    answerWatch = -1;
  }
}
