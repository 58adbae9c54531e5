package io.voxrelay.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.testing.SpeechLikeAudio;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Mutations of every valid client message, drawn from a seeded {@link Random}: wrong types, missing fields,
 * huge numbers, deep nesting, long strings, invalid base64, odd-length PCM, broken JSON. Each frame is named by
 * its message and mutation (e.g. {@code text/type:text:array}), so a run can count the distinct ones.
 */
final class ClientFrameFuzzer {

  /** A frame to send and the name of what it is. */
  record Fuzzed(String name, String text) {
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String PCM_40MS = Base64.getEncoder().encodeToString(SpeechLikeAudio.speech(40));
  private static final String[] KINDS = {"number", "negative", "float", "huge", "string", "empty", "bool", "null",
      "array", "object"};
  private static final int[] DEPTHS = {10, 100, 999, 1_001, 5_000};

  private final Random random;

  ClientFrameFuzzer(Random random) {
    this.random = random;
  }

  /** A valid message of each type a client sends (the {@code end_interview} control is left to the caller). */
  private ObjectNode template(String type) {
    ObjectNode node = NODES.objectNode().put("type", type);
    switch (type) {
      case "hello" -> node.put("token", "t_" + Long.toHexString(random.nextLong())).put("lastSeq", random.nextInt(1000));
      case "audio" -> node.put("data", PCM_40MS);
      case "ack" -> node.put("seq", random.nextInt(10_000_000));
      case "heartbeat.ping" -> node.put("ack", random.nextInt(10_000_000));
      case "text" -> node.put("seq", 1 + random.nextInt(1_000)).put("text", "typed turn " + random.nextInt());
      case "text_only" -> node.put("seq", 1 + random.nextInt(1_000)).put("enabled", random.nextBoolean());
      case "playback.truncated" -> node.put("itemId", "item_" + random.nextInt(1_000))
          .put("audioEndMs", random.nextInt(100_000));
      default -> node.put("seq", 1 + random.nextInt(1_000));
    }
    return node;
  }

  private static final String[] TYPES = {"hello", "audio", "ack", "heartbeat.ping", "pause_interview",
      "resume_interview", "next_question", "text", "text_only", "end_interview", "playback.truncated"};

  /** One fuzzed frame. */
  Fuzzed next() {
    String type = TYPES[random.nextInt(TYPES.length)];
    ObjectNode node = template(type);
    List<String> fields = new ArrayList<>();
    node.fieldNames().forEachRemaining(fields::add);
    String field = fields.get(random.nextInt(fields.size()));
    int mutation = random.nextInt(16);
    if ("end_interview".equals(type) && mutation > 12) {
      // A valid end_interview ends the session; the caller sends those on purpose, rarely.
      mutation = random.nextInt(13);
    }
    return switch (mutation) {
      case 0 -> {
        node.remove(field);
        yield named(type, "drop:" + field, node);
      }
      case 1, 2 -> {
        String kind = KINDS[random.nextInt(KINDS.length)];
        yield new Fuzzed(type + "/type:" + field + ":" + kind, withRaw(node, field, wrongType(kind)));
      }
      case 3 -> {
        int depth = DEPTHS[random.nextInt(DEPTHS.length)];
        yield new Fuzzed(type + "/deep:" + depth, withRaw(node, field, nested(depth)));
      }
      case 4 -> {
        int length = 1 << (10 + random.nextInt(7));
        node.put(field, "x".repeat(length));
        yield named(type, "long:" + field + ":" + length, node);
      }
      case 5 -> {
        ObjectNode audio = template("audio");
        String[] variants = {"invalid", "odd", "huge", "padding", "empty", "url-safe"};
        String variant = variants[random.nextInt(variants.length)];
        audio.put("data", switch (variant) {
          case "invalid" -> "!!not base64!!" + random.nextInt();
          case "odd" -> Base64.getEncoder().encodeToString(new byte[1 + 2 * random.nextInt(500)]);
          case "huge" -> Base64.getEncoder().encodeToString(new byte[96_002 + random.nextInt(50_000)]);
          case "padding" -> PCM_40MS.substring(0, PCM_40MS.length() - 1);
          case "empty" -> "";
          default -> Base64.getUrlEncoder().encodeToString(new byte[] {-1, -2, -3, -4, -5, -6});
        });
        yield named("audio", "b64:" + variant, audio);
      }
      case 6 -> {
        node.put("type", random.nextBoolean() ? type.toUpperCase() : "x." + Integer.toHexString(random.nextInt()));
        yield named(type, "unknown-type", node);
      }
      case 7 -> {
        node.put("extra" + random.nextInt(3), random.nextInt());
        yield named(type, "extra-field", node);
      }
      case 8 -> {
        String json = Json.write(node);
        yield new Fuzzed(type + "/truncate", json.substring(0, random.nextInt(json.length())));
      }
      case 9 -> {
        String[] tops = {"[1,2,3]", "\"hello\"", "42", "null", "true", "{}", "[]", ""};
        int i = random.nextInt(tops.length);
        yield new Fuzzed("top-level:" + i, tops[i]);
      }
      case 10 -> {
        String json = Json.write(node);
        yield new Fuzzed(type + "/dup-key", json.substring(0, json.length() - 1) + ",\"type\":\"text\"}");
      }
      case 11 -> {
        String[] odd = {"\\ud800", "\\u0000", "\\r\\nFORGED LOG LINE", "\\u001b[31mred", "\\udfff\\ud800"};
        int i = random.nextInt(odd.length);
        yield new Fuzzed(type + "/escape:" + field + ":" + i, withRaw(node, field, "\"" + odd[i] + "\""));
      }
      case 12 -> {
        byte[] garbage = new byte[1 + random.nextInt(200)];
        for (int i = 0; i < garbage.length; i++) {
          garbage[i] = (byte) (32 + random.nextInt(95));
        }
        yield new Fuzzed("garbage", new String(garbage, java.nio.charset.StandardCharsets.US_ASCII));
      }
      case 13 -> {
        node.put(field, random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE);
        yield named(type, "extreme:" + field, node);
      }
      case 14 -> {
        ArrayNode wrapped = NODES.arrayNode().add(node);
        yield named(type, "in-array", wrapped);
      }
      default -> named(type, "valid", node);
    };
  }

  private static Fuzzed named(String type, String mutation, JsonNode node) {
    return new Fuzzed(type + "/" + mutation, Json.write(node));
  }

  private String wrongType(String kind) {
    return switch (kind) {
      case "number" -> String.valueOf(random.nextInt());
      case "negative" -> String.valueOf(-1 - random.nextInt(1000));
      case "float" -> "1.5e3";
      case "huge" -> "1" + "0".repeat(400);
      case "string" -> "\"" + random.nextInt() + "\"";
      case "empty" -> "\"\"";
      case "bool" -> "true";
      case "null" -> "null";
      case "array" -> "[1,\"a\",null]";
      default -> "{\"a\":{\"b\":1}}";
    };
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  /** {@code node} written as JSON with {@code field}'s value replaced by the raw JSON {@code value}. */
  private static String withRaw(ObjectNode node, String field, String value) {
    ObjectNode copy = node.deepCopy();
    copy.put(field, "\u0000PLACEHOLDER\u0000");
    return Json.write(copy).replace("\"\\u0000PLACEHOLDER\\u0000\"", value);
  }
}
