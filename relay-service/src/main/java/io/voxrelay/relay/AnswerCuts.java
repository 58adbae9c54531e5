package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.ServerEvents;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Barge-in for one session: the audio of its recent answers ({@link AnswerAudio}), and the answers the client
 * cut short. A cut answer is recorded again with the part of its text that was heard and its {@code playedMs}
 * ({@code transcript.truncated}), as soon as its text has finished (at once, or when it does). Bounded;
 * confined to the relay's event loop.
 */
final class AnswerCuts {

  /** Cuts waiting for their answer's text, at most (the oldest is dropped). */
  static final int MAX_PENDING = 8;

  private final AnswerAudio audio = new AnswerAudio();
  /** Answers cut short whose text has not finished, with the ms the client played. */
  private final Map<String, Long> pending = new LinkedHashMap<>();
  private final ConversationState state;
  private final BiConsumer<Turn, String> record;

  /** @param record records a turn with the client event that tells of it (the session's recorder) */
  AnswerCuts(ConversationState state, BiConsumer<Turn, String> record) {
    this.state = state;
    this.record = record;
  }

  /**
   * A chunk of {@code bytes} bytes of answer {@code itemId} goes to the client.
   *
   * @return where it starts in the answer's audio, in ms
   */
  long audioSent(String itemId, long bytes) {
    return audio.sent(itemId, bytes);
  }

  /**
   * The client played {@code audioEndMs} of answer {@code itemId} and the user spoke over it.
   *
   * @return the ms the upstream's item is truncated at (at most the audio sent of it), or -1 when the answer
   *     was not sent from here recently (nothing is cut)
   */
  long cut(String itemId, long audioEndMs) {
    long sentMs = audio.sentMs(itemId);
    if (sentMs < 0) {
      return -1;
    }
    long playedMs = Math.min(audioEndMs, sentMs);
    if (pending.size() >= MAX_PENDING) {
      pending.remove(pending.keySet().iterator().next());
    }
    pending.put(itemId, playedMs);
    apply();
    return playedMs;
  }

  /** Records each cut whose answer has finished (now or earlier) with the text that was heard, once. */
  void apply() {
    for (Iterator<Map.Entry<String, Long>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> cut = it.next();
      Turn turn = state.turn(cut.getKey());
      if (turn == null) {
        continue;
      }
      it.remove();
      if (Turn.ASSISTANT.equals(turn.role()) && !turn.truncated()) {
        String heard = AnswerAudio.heard(turn.text(), cut.getValue(), audio.sentMs(turn.itemId()));
        record.accept(new Turn(turn.itemId(), Turn.ASSISTANT, heard, cut.getValue()),
            ServerEvents.transcriptTruncated(turn.itemId(), heard, cut.getValue()));
      }
    }
  }
}
