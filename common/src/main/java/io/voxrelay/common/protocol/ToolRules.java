package io.voxrelay.common.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.ToolDefinition;
import io.voxrelay.common.json.Json;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The bounds on a session's tools (from {@code POST /v1/sessions}): the one place they are checked. Every
 * refusal is an {@link IllegalArgumentException} whose message names the field.
 */
public final class ToolRules {

  public static final int MAX_TOOLS = 16;
  public static final int MAX_DESCRIPTION_CHARS = 1_024;
  /** The largest parameters schema, as compact JSON. */
  public static final int MAX_PARAMETERS_CHARS = 8_192;
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
  private static final Set<String> CHOICES = Set.of("auto", "none", "required");

  private ToolRules() {
  }

  /**
   * Reads {@code tools} and {@code toolChoice} from a creation request (either may be missing or null).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SessionTools parse(JsonNode tools, JsonNode toolChoice) {
    List<ToolDefinition> definitions = new ArrayList<>();
    if (tools != null && !tools.isNull() && !tools.isMissingNode()) {
      if (!tools.isArray()) {
        throw new IllegalArgumentException("'tools' must be an array of function tools");
      }
      if (tools.size() > MAX_TOOLS) {
        throw new IllegalArgumentException("at most " + MAX_TOOLS + " tools");
      }
      Set<String> names = new HashSet<>();
      for (JsonNode tool : tools) {
        ToolDefinition definition = tool(tool);
        if (!names.add(definition.name())) {
          throw new IllegalArgumentException("two tools are named '" + definition.name() + "'");
        }
        definitions.add(definition);
      }
    }
    String choice = choice(toolChoice, definitions);
    return new SessionTools(definitions, choice);
  }

  private static ToolDefinition tool(JsonNode tool) {
    if (!tool.isObject()) {
      throw new IllegalArgumentException("each tool must be an object");
    }
    for (Iterator<String> fields = tool.fieldNames(); fields.hasNext(); ) {
      String field = fields.next();
      if (!Set.of("type", "name", "description", "parameters", "clientVisible").contains(field)) {
        throw new IllegalArgumentException("a tool has an unknown field (allowed: type, name, description, "
            + "parameters, clientVisible)");
      }
    }
    if (tool.has("type") && !"function".equals(tool.path("type").asText())) {
      throw new IllegalArgumentException("a tool's 'type' must be 'function'");
    }
    String name = tool.path("name").isTextual() ? tool.path("name").asText() : "";
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a tool's 'name' must be 1 to 64 letters, digits, '_' or '-'");
    }
    if (CHOICES.contains(name)) {
      throw new IllegalArgumentException("a tool may not be named '" + name + "' (a toolChoice mode)");
    }
    JsonNode description = tool.path("description");
    if (!description.isMissingNode() && !description.isTextual()) {
      throw new IllegalArgumentException("tool '" + name + "': 'description' must be a string");
    }
    if (description.asText("").length() > MAX_DESCRIPTION_CHARS) {
      throw new IllegalArgumentException("tool '" + name + "': 'description' is longer than " + MAX_DESCRIPTION_CHARS
          + " characters");
    }
    JsonNode parameters = tool.path("parameters");
    if (parameters.isMissingNode()) {
      parameters = Json.object().put("type", "object").set("properties", Json.object());
    }
    if (!parameters.isObject() || !"object".equals(parameters.path("type").asText())) {
      throw new IllegalArgumentException("tool '" + name + "': 'parameters' must be a JSON schema of type object");
    }
    String schema = Json.write(parameters);
    if (schema.length() > MAX_PARAMETERS_CHARS) {
      throw new IllegalArgumentException("tool '" + name + "': 'parameters' is larger than " + MAX_PARAMETERS_CHARS
          + " characters");
    }
    JsonNode visible = tool.path("clientVisible");
    if (!visible.isMissingNode() && !visible.isBoolean()) {
      throw new IllegalArgumentException("tool '" + name + "': 'clientVisible' must be true or false");
    }
    return new ToolDefinition(name, description.asText(""), schema, visible.asBoolean(false));
  }

  private static String choice(JsonNode toolChoice, List<ToolDefinition> tools) {
    if (toolChoice == null || toolChoice.isNull() || toolChoice.isMissingNode()) {
      return "auto";
    }
    if (toolChoice.isTextual() && CHOICES.contains(toolChoice.asText())) {
      if ("required".equals(toolChoice.asText()) && tools.isEmpty()) {
        throw new IllegalArgumentException("'toolChoice' is 'required' but there are no tools");
      }
      return toolChoice.asText();
    }
    if (toolChoice.isObject() && "function".equals(toolChoice.path("type").asText())) {
      String name = toolChoice.path("name").asText();
      if (tools.stream().anyMatch(t -> t.name().equals(name))) {
        return name;
      }
      throw new IllegalArgumentException("'toolChoice' names no tool of this session");
    }
    throw new IllegalArgumentException("'toolChoice' must be auto, none, required or {\"type\":\"function\",\"name\":…}");
  }
}
