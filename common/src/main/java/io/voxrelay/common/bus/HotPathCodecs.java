package io.voxrelay.common.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

import java.nio.charset.StandardCharsets;

/**
 * Compact binary codecs for the two messages sent once per audio frame or server event: {@link ClientAudio}
 * and {@link ToClient}. Across processes they are length-prefixed UTF-8 fields, not JSON documents (a profile
 * of the four-process run showed JSON encoding and parsing of these two as the largest cost on the bus). Local
 * deliveries pass the record itself.
 */
final class HotPathCodecs {

  private HotPathCodecs() {
  }

  /** {@link ClientAudio}: session id, connection id, base64 audio. */
  static final class ClientAudioCodec extends Base<ClientAudio> {
    ClientAudioCodec() {
      super("voxrelay.ClientAudio.bin");
    }

    @Override
    public void encodeToWire(Buffer buffer, ClientAudio audio) {
      writeString(buffer, audio.sessionId());
      writeString(buffer, audio.connectionId());
      writeString(buffer, audio.base64Pcm());
    }

    @Override
    public ClientAudio decodeFromWire(int pos, Buffer buffer) {
      int[] at = {pos};
      return new ClientAudio(readString(buffer, at), readString(buffer, at), readString(buffer, at));
    }
  }

  /** {@link ToClient}: session id, seq, the event's JSON text (may be null), close code, sending relay (or null). */
  static final class ToClientCodec extends Base<ToClient> {
    ToClientCodec() {
      super("voxrelay.ToClient.bin");
    }

    @Override
    public void encodeToWire(Buffer buffer, ToClient event) {
      writeString(buffer, event.sessionId());
      buffer.appendLong(event.seq());
      writeString(buffer, event.json());
      buffer.appendInt(event.closeCode());
      writeString(buffer, event.relayNode());
    }

    @Override
    public ToClient decodeFromWire(int pos, Buffer buffer) {
      int[] at = {pos};
      String sessionId = readString(buffer, at);
      long seq = buffer.getLong(at[0]);
      at[0] += 8;
      String json = readString(buffer, at);
      int closeCode = buffer.getInt(at[0]);
      at[0] += 4;
      return new ToClient(sessionId, seq, json, closeCode, readString(buffer, at));
    }
  }

  private abstract static class Base<T> implements MessageCodec<T, T> {
    private final String name;

    Base(String name) {
      this.name = name;
    }

    @Override
    public T transform(T value) {
      return value;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  /** A length-prefixed UTF-8 string; length -1 for null. */
  static void writeString(Buffer buffer, String value) {
    if (value == null) {
      buffer.appendInt(-1);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  /** Reads the string at {@code at[0]} and moves {@code at[0]} past it. */
  static String readString(Buffer buffer, int[] at) {
    int length = buffer.getInt(at[0]);
    at[0] += 4;
    if (length < 0) {
      return null;
    }
    String value = buffer.getString(at[0], at[0] + length, "UTF-8");
    at[0] += length;
    return value;
  }
}
