package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AI's answers whose transcript is streaming: the text so far, by item. An answer that ends without its
 * transcript being finished (cut off by the user speaking, a pause, or a lost upstream) would otherwise stay
 * half-drawn on the client and missing from the history; {@link #cutOff()} turns each into a finished turn
 * with the text the client already has. Bounded: at most {@link #MAX_ANSWERS} answers of
 * {@link #MAX_CHARS} characters each.
 */
final class PartialAnswers {

  static final int MAX_ANSWERS = 8;
  static final int MAX_CHARS = 32_000;

  private final Map<String, StringBuilder> streaming = new LinkedHashMap<>();

  /** A piece of an answer's transcript. */
  void delta(String itemId, String delta) {
    StringBuilder text = streaming.get(itemId);
    if (text == null) {
      if (streaming.size() >= MAX_ANSWERS) {
        streaming.remove(streaming.keySet().iterator().next());
      }
      text = new StringBuilder();
      streaming.put(itemId, text);
    }
    if (text.length() + delta.length() <= MAX_CHARS) {
      text.append(delta);
    }
  }

  /** The answer's transcript is finished: it is no longer partial. */
  void done(String itemId) {
    streaming.remove(itemId);
  }

  /** Every answer still streaming, as finished turns with the text so far (oldest first); none remain. */
  List<Turn> cutOff() {
    List<Turn> turns = new ArrayList<>();
    streaming.forEach((itemId, text) -> {
      if (!text.isEmpty()) {
        turns.add(new Turn(itemId, Turn.ASSISTANT, text.toString()));
      }
    });
    streaming.clear();
    return turns;
  }
}
