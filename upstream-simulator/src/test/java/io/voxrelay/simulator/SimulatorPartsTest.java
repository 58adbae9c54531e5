package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's parts that hold logic of their own, without a socket: what they send is read back. */
@DisplayName("The simulator's parts: wire, conversation, billing, rate limits")
class SimulatorPartsTest {

  private final List<JsonNode> sent = new ArrayList<>();
  private final SessionWire wire = new SessionWire(text -> sent.add(Json.parse(text)), "sess_abcdef123456", 3);
  private final Conversation conversation = new Conversation(wire);

  private void userSays(String text) {
    conversation.create(Json.parse("{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\","
        + "\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"" + text + "\"}]}}"), null);
  }

  @Test
  @DisplayName("the wire numbers its events, keeps the last few each way, and keeps audio without its samples")
  void wire() {
    for (int i = 0; i < 5; i++) {
      wire.emit(wire.event("response.output_audio.delta").put("delta", "AAAA"));
    }
    assertThat(sent).hasSize(5);
    assertThat(sent.get(0).path("delta").asText()).as("the client gets the samples").isEqualTo("AAAA");
    assertThat(sent.get(0).path("event_id").asText()).isEqualTo("event_abcdef1");
    assertThat(wire.emittedEvents()).hasSize(3).allSatisfy(e -> assertThat(e.path("delta").asText()).isEmpty());
    wire.closed();
    wire.emit(wire.event("session.updated"));
    assertThat(sent).as("nothing goes out once closed").hasSize(5);
  }

  @Test
  @DisplayName("a response answers the item its metadata names, or else the last; its text quotes the user's turn")
  void answering() {
    userSays("first");
    String firstId = conversation.items().get(0).id();
    userSays("second");
    ConversationItem named = conversation.answering(Json.parse("{\"voxrelay_answers\":\"" + firstId + "\"}"));
    assertThat(named.text()).isEqualTo("first");
    assertThat(conversation.answering(null).text()).isEqualTo("second");
    assertThat(conversation.answerText(named)).isEqualTo("Thank you. You said: first Please tell me more.");
    assertThat(conversation.answerText(null)).as("nothing to answer yet")
        .isEqualTo("Thank you. You said: second Please tell me more.");
    assertThat(new Conversation(wire).answerText(null)).isEqualTo("Hello, I am ready when you are.");
  }

  @Test
  @DisplayName("a second response reads again what the first read: that much input counts as cached")
  void billing() {
    SessionBilling billing = new SessionBilling(conversation, 10);
    userSays("hello there");
    JsonNode first = billing.usage(10, 0);
    assertThat(first.path("input_token_details").path("cached_tokens").asInt()).isZero();
    int firstInput = first.path("input_tokens").asInt();
    userSays("and more");
    JsonNode second = billing.usage(5, 3);
    assertThat(second.path("input_token_details").path("cached_tokens").asInt()).isEqualTo(firstInput);
    assertThat(second.path("input_tokens").asInt()).isGreaterThan(firstInput);
    assertThat(second.path("output_tokens").asInt()).isEqualTo(8);
    assertThat(billing.billed()).containsExactly(first, second);
  }

  @Test
  @DisplayName("a user turn naming the rate limit has its first response refused, and only the first")
  void rateLimits() {
    SimulatedRateLimits limits = new SimulatedRateLimits(wire, "conv_1");
    userSays("please hit the " + SimulatedRateLimits.TRIGGER);
    ConversationItem turn = conversation.answering(null);
    assertThat(limits.refuses(turn)).isTrue();
    assertThat(limits.refuses(turn)).isFalse();
    userSays("nothing special");
    assertThat(limits.refuses(conversation.answering(null))).isFalse();
    sent.clear();
    limits.refuse(null);
    assertThat(sent).extracting(e -> e.path("type").asText())
        .containsExactly("rate_limits.updated", "response.created", "response.done");
    assertThat(sent.get(2).path("response").path("status_details").path("error").path("code").asText())
        .isEqualTo("rate_limit_exceeded");
  }
}
