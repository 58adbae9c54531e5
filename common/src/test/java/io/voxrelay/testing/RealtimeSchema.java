package io.voxrelay.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.voxrelay.common.json.Json;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates Realtime events against OpenAI's published GA schemas in {@code ../shared/openai-realtime}. Each
 * event is checked against the member of {@code RealtimeClientEvent} or {@code RealtimeServerEvent} whose
 * {@code type} matches, so an error names the exact field. Without the shared folder the calling test is
 * skipped, except under CI ({@code CI=true}), where it fails.
 */
public final class RealtimeSchema {

  public enum Side { CLIENT, SERVER }

  private static final String RELATIVE = "../shared/openai-realtime/realtime-events.openapi.json";
  private static RealtimeSchema loaded;

  private final JsonNode document;
  private final Map<Side, Map<String, String>> memberByType = new HashMap<>();
  private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
  private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private RealtimeSchema(JsonNode document) {
    this.document = document;
    memberByType.put(Side.CLIENT, members("RealtimeClientEvent"));
    memberByType.put(Side.SERVER, members("RealtimeServerEvent"));
  }

  /** The shared schemas, or a skipped test (a failed one under CI) when they are not beside the checkout. */
  public static synchronized RealtimeSchema load() {
    if (loaded == null) {
      Path file = projectRoot().resolve(RELATIVE).normalize();
      if (!Files.isRegularFile(file)) {
        String message = "the shared Realtime schemas are not at " + file + " (../shared beside the checkout)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
          throw new AssertionError(message + "; CI must provide them");
        }
        Assumptions.abort(message + "; skipping schema validation");
      }
      try {
        loaded = new RealtimeSchema(Json.MAPPER.readTree(file.toFile()));
      } catch (IOException e) {
        throw new AssertionError("cannot read " + file, e);
      }
    }
    return loaded;
  }

  private static Path projectRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new AssertionError("cannot find the project root (no mvnw above " + System.getProperty("user.dir") + ")");
    }
    return dir;
  }

  private Map<String, String> members(String union) {
    Map<String, String> byType = new HashMap<>();
    for (JsonNode member : document.path("components").path("schemas").path(union).path("anyOf")) {
      String name = member.path("$ref").asText().replace("#/components/schemas/", "");
      JsonNode type = document.path("components").path("schemas").path(name).path("properties").path("type");
      String value = type.has("const") ? type.path("const").asText() : type.path("enum").path(0).asText();
      byType.putIfAbsent(value, name);
    }
    return byType;
  }

  /** The problems of {@code event} as a {@code side} event; empty when it is valid. */
  public List<String> problems(Side side, JsonNode event) {
    String type = event.path("type").asText();
    String member = memberByType.get(side).get(type);
    if (member == null) {
      return List.of("'" + type + "' is not a " + side.name().toLowerCase() + " event of the GA interface");
    }
    Set<ValidationMessage> messages = schemas.computeIfAbsent(member, this::schemaFor).validate(event);
    List<String> problems = new ArrayList<>();
    messages.forEach(m -> problems.add(type + ": " + m.getMessage()));
    return problems;
  }

  /** Problems of every event in {@code events}, each prefixed with the event's type. */
  public List<String> problems(Side side, List<JsonNode> events) {
    List<String> all = new ArrayList<>();
    for (JsonNode event : events) {
      all.addAll(problems(side, event));
    }
    return all;
  }

  private JsonSchema schemaFor(String member) {
    ObjectNode root = document.deepCopy();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.put("$ref", "#/components/schemas/" + member);
    return factory.getSchema(root);
  }
}
