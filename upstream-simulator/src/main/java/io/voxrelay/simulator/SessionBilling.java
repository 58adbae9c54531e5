package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.json.Json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one simulated session's responses cost, in GA's usage shape: the input is the conversation so far (what
 * an earlier response read counts as cached), the output what the response said, as text and as audio. Each
 * usage reported is kept for inspection (the last {@code recordedEvents}).
 */
final class SessionBilling {

  private final Conversation conversation;
  private final int recordedEvents;
  private final List<JsonNode> billed = Collections.synchronizedList(new ArrayList<>());
  /** The input tokens of the last response: what the next one reads again counts as cached. */
  private int cachedTokens;

  SessionBilling(Conversation conversation, int recordedEvents) {
    this.conversation = conversation;
    this.recordedEvents = recordedEvents;
  }

  /** The usage of a response that said {@code outputTextTokens} and {@code outputAudioTokens}. */
  ObjectNode usage(int outputTextTokens, int outputAudioTokens) {
    int inputText = 50;
    int inputAudio = 0;
    for (ConversationItem item : conversation.items()) {
      if ("input_audio".equals(item.contentType()) || "output_audio".equals(item.contentType())) {
        inputAudio += 20;
      } else {
        inputText += item.text().length() / 4 + 1;
      }
    }
    int input = inputText + inputAudio;
    int cached = Math.min(input, cachedTokens);
    cachedTokens = input;
    int output = outputTextTokens + outputAudioTokens;
    ObjectNode usage = Json.object().put("total_tokens", input + output).put("input_tokens", input)
        .put("output_tokens", output);
    usage.set("input_token_details", Json.object().put("cached_tokens", cached).put("text_tokens", inputText)
        .put("audio_tokens", inputAudio));
    usage.set("output_token_details", Json.object().put("text_tokens", outputTextTokens)
        .put("audio_tokens", outputAudioTokens));
    synchronized (billed) {
      if (billed.size() >= recordedEvents) {
        billed.remove(0);
      }
      billed.add(usage.deepCopy());
    }
    return usage;
  }

  /** The usage of every response finished, as reported in its {@code response.done}. */
  List<JsonNode> billed() {
    synchronized (billed) {
      return List.copyOf(billed);
    }
  }
}
