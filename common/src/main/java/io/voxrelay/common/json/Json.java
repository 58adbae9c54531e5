package io.voxrelay.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson mapper of voxrelay. Every untrusted document (client frames, HTTP bodies, upstream events)
 * is read through it, so the read limits below are the single place where hostile input is bounded.
 */
public final class Json {

  /**
   * Largest JSON document accepted from anyone, in bytes or chars: above every route's and frame's own bound
   * (the largest, {@code POST /v1/sessions}, takes 1.5 MiB), so those bounds are the ones that apply.
   */
  public static final int MAX_DOCUMENT_LENGTH = 2 << 20;
  /** Deepest nesting accepted: the protocol needs four levels; 32 leaves room without inviting stack abuse. */
  public static final int MAX_NESTING_DEPTH = 32;
  /** Longest single string value (a base64 audio chunk is the largest legitimate one). */
  public static final int MAX_STRING_LENGTH = MAX_DOCUMENT_LENGTH;

  public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxDocumentLength(MAX_DOCUMENT_LENGTH)
              .maxNestingDepth(MAX_NESTING_DEPTH)
              .maxStringLength(MAX_STRING_LENGTH)
              .maxNumberLength(64)
              .build())
          .build())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Json() {
  }

  /** Parses a document, failing with {@link InvalidJsonException} on syntax errors or exceeded limits. */
  public static JsonNode parse(String text) {
    // Jackson checks the document length only while it loads more input, never for in-memory content.
    if (text.length() > MAX_DOCUMENT_LENGTH) {
      throw new InvalidJsonException("document longer than " + MAX_DOCUMENT_LENGTH, null);
    }
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw invalid(e);
    }
  }

  public static JsonNode parse(byte[] bytes) {
    if (bytes.length > MAX_DOCUMENT_LENGTH) {
      throw new InvalidJsonException("document longer than " + MAX_DOCUMENT_LENGTH, null);
    }
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw invalid(e);
    }
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] writeBytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T read(byte[] bytes, Class<T> type) {
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw invalid(e);
    }
  }

  private static InvalidJsonException invalid(IOException e) {
    String message = e instanceof com.fasterxml.jackson.core.JacksonException je ? je.getOriginalMessage() : "unreadable";
    return new InvalidJsonException(message, e);
  }

  /** A document that is not JSON, or exceeds the read limits. The message never echoes the input. */
  public static final class InvalidJsonException extends RuntimeException {
    InvalidJsonException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
