package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.json.Json;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the simulated model uses function tools: it calls a tool when the user's last turn names it (a typed
 * trigger: its name, or its name with spaces for underscores, "lookup topic"; a spoken turn's transcript is
 * synthetic and names none), or whatever was said, typed or spoken, when {@code tool_choice} is
 * {@code required} (the first tool) or forces one, with arguments made from the tool's JSON-schema parameters, and answers with what the tool returned.
 * It checks each {@code function_call_output} against the calls it made.
 */
final class SimulatedTools {

  /** A call the model decided on. */
  record Call(String callId, String name, String arguments) {
  }

  /** The calls made, by call id, and whether each has its output yet. */
  private final Map<String, Boolean> answered = new ConcurrentHashMap<>();
  private final Map<String, String> names = new ConcurrentHashMap<>();

  /**
   * The call to make in answer to {@code userText}, if any: {@code tool_choice} {@code none} makes none, a
   * forced function is called whatever was said, and otherwise the first tool the text names.
   */
  Optional<Call> choose(JsonNode session, String userText, String callId) {
    JsonNode choice = session.path("tool_choice");
    if ("none".equals(choice.asText())) {
      return Optional.empty();
    }
    String forced = choice.path("type").asText().equals("function") ? choice.path("name").asText() : null;
    // "required": a tool must be called, whatever was said; a spoken turn thus calls one too.
    boolean required = "required".equals(choice.asText());
    String said = userText == null ? "" : userText.toLowerCase(Locale.ROOT);
    for (JsonNode tool : session.path("tools")) {
      if (!"function".equals(tool.path("type").asText())) {
        continue;
      }
      String name = tool.path("name").asText();
      String lower = name.toLowerCase(Locale.ROOT);
      boolean named = !name.isEmpty() && (said.contains(lower) || said.contains(lower.replace('_', ' ')));
      if (name.equals(forced) || (forced == null && (named || required))) {
        answered.put(callId, false);
        names.put(callId, name);
        return Optional.of(new Call(callId, name, arguments(tool.path("parameters"), userText)));
      }
    }
    return Optional.empty();
  }

  /** A function call item created by the client (a restored conversation): its output may follow. */
  void restored(String callId, String name) {
    answered.putIfAbsent(callId, false);
    names.putIfAbsent(callId, name);
  }

  /**
   * Checks a {@code function_call_output} item: it must answer a call made in this conversation, once, with a
   * string output. Returns the problem, or empty when it is valid (and then the call counts as answered).
   */
  Optional<String> acceptOutput(JsonNode item) {
    String callId = item.path("call_id").asText(null);
    if (callId == null || !item.path("output").isTextual()) {
      return Optional.of("a function_call_output needs a string 'call_id' and a string 'output'");
    }
    Boolean done = answered.get(callId);
    if (done == null) {
      return Optional.of("no function call with call_id '" + callId + "' in this conversation");
    }
    if (done) {
      return Optional.of("the function call '" + callId + "' already has its output");
    }
    answered.put(callId, true);
    return Optional.empty();
  }

  /** The name of the tool a call used. */
  String nameOf(String callId) {
    return names.getOrDefault(callId, "unknown");
  }

  /** Arguments valid to {@code parameters}: each property from its type (strings get what the user said). */
  static String arguments(JsonNode parameters, String userText) {
    ObjectNode args = Json.object();
    parameters.path("properties").fields().forEachRemaining(p -> {
      switch (p.getValue().path("type").asText()) {
        case "integer", "number" -> args.put(p.getKey(), 1);
        case "boolean" -> args.put(p.getKey(), true);
        case "array" -> args.putArray(p.getKey());
        case "object" -> args.putObject(p.getKey());
        default -> {
          JsonNode options = p.getValue().path("enum");
          args.put(p.getKey(), options.isArray() && !options.isEmpty() ? options.get(0).asText()
              : userText == null ? "" : userText);
        }
      }
    });
    return Json.write(args);
  }
}
