package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whose turn it is in one session's conversation. The relay asks for every answer itself, one at a time and
 * oldest turn first ({@link AnswerTracker}): turn detection only commits speech. A typed turn enters the
 * conversation only when no answer is under way or owed, and its answer is asked for as soon as the upstream
 * has it, whether or not turn detection hears speech, so each typed turn gets the answer asked for it and
 * speech that came with it gets its own afterwards. Both waits are bounded: a typed turn that cannot enter
 * within {@link #ENTER_WAIT_MS} is withdrawn (the client sends it again), and an owed answer that has not begun
 * {@link #ANSWER_WAIT_MS} after it was owed or last asked for is asked for again, once ({@link AnswerRequests}).
 * It also remembers which client seqs were accepted, so a control resent after a reconnect is carried out once.
 * Confined to the relay's event loop; time comes from {@link Timers}.
 */
final class TurnTaking {

  private static final Logger LOG = LoggerFactory.getLogger(TurnTaking.class);

  /** Typed turns waiting for the AI's current answer to finish (or for an upstream); more are refused. */
  static final int MAX_WAITING_TEXTS = 16;
  /** T_enter: a typed turn that has not entered the conversation by then is withdrawn. */
  static final long ENTER_WAIT_MS = 10_000;
  /** T_answer: an owed answer that has not begun by then (since owed, or since last asked for) is asked again. */
  static final long ANSWER_WAIT_MS = 5_000;

  /**
   * Where a typed turn goes once it enters the conversation: recorded, with the client seq it carried out (the
   * client cursor moves to it as it is stored).
   */
  interface Recorder {
    void record(Turn turn, long clientSeq);
  }

  /**
   * Takes back typed turns that waited too long to enter, client seqs {@code seqs} (none of them stored, so the
   * client cursor is below them): the client is told, so it sends them again under the same seqs.
   */
  interface Withdrawal {
    void withdraw(List<Long> seqs);
  }

  /** Where the typed turns waiting here are counted (the relay's metrics). */
  interface WaitGauge {
    /** This session has {@code count} typed turns waiting to enter, the oldest since {@code since} (-1: none). */
    void waiting(Object session, int count, long since);
  }

  /** A typed turn accepted from the client, not yet in the upstream conversation. */
  private record WaitingText(String text, long clientSeq, long acceptedAt) {
  }

  private final ConversationState state;
  private final Timers timers;
  private final Recorder recorder;
  private final AnswerTracker answers = new AnswerTracker();
  private final Deque<WaitingText> waitingTexts = new ArrayDeque<>();
  /**
   * The highest client seq accepted here (carried out, or a typed turn waiting its turn), from the session's
   * client cursor when the session came here: a control resent after a reconnect is carried out once.
   */
  private long lastAcceptedClientSeq;
  /** While true (a tool call is under way), typed turns wait: the model answers the call first. */
  private BooleanSupplier holdTexts = () -> false;
  private Withdrawal withdrawal = seqs -> { };
  private WaitGauge gauge = (session, count, since) -> { };
  private final AnswerRequests asking;
  private long enterTimer = -1;
  /** The link the last move was made on: the timers act on it. */
  private UpstreamChannel lastLink;
  /** What the oldest waiting typed turn waited for when it was last logged. */
  private String loggedWait;

  TurnTaking(ConversationState state, Timers timers, long clientCursor, Recorder recorder) {
    this.state = state;
    this.timers = timers;
    this.lastAcceptedClientSeq = clientCursor;
    this.recorder = recorder;
    this.asking = new AnswerRequests(state, timers, answers, () -> lastLink, () -> progress(lastLink));
  }

  /** Typed turns wait while {@code hold} is true (a tool call is under way). */
  void holdTextsWhile(BooleanSupplier hold) {
    this.holdTexts = hold;
  }

  /** Owed answers wait {@code waitMs} (the upstream's rate limit refused one): asked for once it is 0. */
  void holdAnswersFor(LongSupplier waitMs) {
    asking.holdFor(waitMs);
  }

  /** Where typed turns that waited {@link #ENTER_WAIT_MS} go, and where waiting turns are counted. */
  void bound(Withdrawal withdrawal, WaitGauge gauge) {
    this.withdrawal = withdrawal;
    this.gauge = gauge;
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
   * A typed turn from the client: it waits for its moment (also while the upstream reconnects), at most
   * {@link #ENTER_WAIT_MS}.
   *
   * @return false, accepting nothing, when {@link #MAX_WAITING_TEXTS} already wait
   */
  boolean acceptText(String text, long clientSeq) {
    if (waitingTexts.size() >= MAX_WAITING_TEXTS) {
      return false;
    }
    accepted(clientSeq);
    waitingTexts.add(new WaitingText(text, clientSeq, timers.now()));
    watchEntry();
    report();
    return true;
  }

  /** The relay added {@code itemId} (a system turn, a tool's output) and wants it answered. */
  void expect(String itemId) {
    answers.expect(itemId);
  }

  /** Takes an upstream event into account. */
  void observe(UpstreamEvent event) {
    long now = timers.now();
    if (event instanceof UpstreamEvent.ItemAdded added) {
      answers.itemAdded(added.itemId(), now);
    } else if (event instanceof UpstreamEvent.SpeechCommitted committed) {
      answers.spoken(committed.itemId(), now);
    } else if (event instanceof UpstreamEvent.ResponseCreated created) {
      answers.responseCreated(created.answersItem());
    } else if (event instanceof UpstreamEvent.ResponseDone done) {
      answers.responseDone(done.status(), now);
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
        || event instanceof UpstreamEvent.Failure || event instanceof UpstreamEvent.SpeechCommitted;
  }

  /** A new upstream conversation, with the history restored: nothing is being answered on it. */
  void conversationRestored() {
    answers.conversationRestored(timers.now());
    asking.restored();
  }

  /**
   * Moves the conversation on: asks for the answer the oldest owed turn is due, or else lets the next waiting
   * typed turn in. Called after every change that can allow either.
   */
  void progress(UpstreamChannel link) {
    lastLink = link;
    try {
      move(link);
    } finally {
      report();
    }
  }

  private void move(UpstreamChannel link) {
    if (link == null || !link.canSend()) {
      // Nothing would reach the upstream (the relay may not act, or reconnects): a turn recorded now would be
      // echoed yet never carried out, and a response marked as asked for would never come. Called again once
      // it can send.
      return;
    }
    String owed = answers.nextToAnswer();
    if (owed != null) {
      asking.askFor(owed, link);
      return;
    }
    if (answers.pending() == 0 && !link.activity().responseActive() && !holdTexts.getAsBoolean()
        && !waitingTexts.isEmpty()) {
      WaitingText next = waitingTexts.poll();
      Turn turn = new Turn(RealtimeClientEvents.newItemId(), Turn.USER, next.text());
      link.send(RealtimeClientEvents.conversationItemCreate(turn.itemId(), turn.role(), turn.text()));
      answers.expect(turn.itemId());
      recorder.record(turn, next.clientSeq());
      LOG.debug("[Relay] typed turn {} of {} entered as {} after {} ms", next.clientSeq(), state.sessionId(),
          turn.itemId(), timers.now() - next.acceptedAt());
      watchEntry();
    }
  }

  /** Withdraws the waiting typed turns once the oldest has waited {@link #ENTER_WAIT_MS}. */
  private void watchEntry() {
    if (enterTimer >= 0) {
      timers.cancel(enterTimer);
      enterTimer = -1;
    }
    WaitingText oldest = waitingTexts.peek();
    if (oldest == null) {
      return;
    }
    long due = oldest.acceptedAt() + ENTER_WAIT_MS - timers.now();
    enterTimer = timers.schedule(Math.max(1, due), () -> {
      enterTimer = -1;
      withdrawWaiting();
    });
  }

  /**
   * The oldest typed turn waited {@link #ENTER_WAIT_MS}: it and every typed turn behind it are withdrawn, if
   * no other control came after or among them (taking them back would then change the order the client sent).
   */
  private void withdrawWaiting() {
    if (waitingTexts.isEmpty()) {
      return;
    }
    List<WaitingText> all = List.copyOf(waitingTexts);
    long first = all.get(0).clientSeq();
    long last = all.get(all.size() - 1).clientSeq();
    if (first <= 0 || last != lastAcceptedClientSeq || last - first + 1 != all.size()) {
      LOG.debug("[Relay] typed turns of {} wait past {} ms but cannot be withdrawn (another control came after or "
          + "among them)", state.sessionId(), ENTER_WAIT_MS);
      return;
    }
    List<Long> seqs = all.stream().map(WaitingText::clientSeq).toList();
    LOG.warn("[Relay] typed turns {} of {} could not enter the conversation within {} ms ({}); withdrawing them",
        seqs, state.sessionId(), ENTER_WAIT_MS, waitReason(lastLink));
    waitingTexts.clear();
    lastAcceptedClientSeq = first - 1;
    withdrawal.withdraw(seqs);
    watchEntry();
    progress(lastLink);
  }

  /** What the oldest waiting typed turn waits for, in words (for the log). */
  private String waitReason(UpstreamChannel link) {
    if (link == null) {
      return "no upstream: it reconnects";
    }
    if (!link.canSend()) {
      return "the relay may not act on the session now";
    }
    String owed = answers.nextToAnswer();
    if (owed != null) {
      return state.gated() ? "an owed answer (to " + owed + ") while the session is paused"
          : "an owed answer (to " + owed + ")";
    }
    if (answers.pending() > 0 || link.activity().responseActive()) {
      return "the answer under way to finish";
    }
    if (holdTexts.getAsBoolean()) {
      return "a tool call to finish";
    }
    return "nothing: it enters now";
  }

  /** Counts the typed turns waiting here, and logs at DEBUG what the oldest waits for when that changes. */
  private void report() {
    WaitingText oldest = waitingTexts.peek();
    gauge.waiting(this, waitingTexts.size(), oldest == null ? -1 : oldest.acceptedAt());
    if (oldest == null) {
      loggedWait = null;
      return;
    }
    if (LOG.isDebugEnabled()) {
      String reason = waitReason(lastLink);
      if (!reason.equals(loggedWait)) {
        loggedWait = reason;
        LOG.debug("[Relay] typed turn {} of {} waits for {} ({} ms so far)", oldest.clientSeq(), state.sessionId(),
            reason, timers.now() - oldest.acceptedAt());
      }
    }
  }

  /** The session closed: nothing more moves on. */
  void close() {
    asking.close();
    if (enterTimer >= 0) {
      timers.cancel(enterTimer);
      enterTimer = -1;
    }
    waitingTexts.clear();
    report();
  }
}
