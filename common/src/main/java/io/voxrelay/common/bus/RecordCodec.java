package io.voxrelay.common.bus;

import io.voxrelay.common.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries an immutable record across the event bus as length-prefixed JSON. Local deliveries pass the
 * record itself, since records cannot be changed by the receiver.
 */
final class RecordCodec<T extends Record> implements MessageCodec<T, T> {

  private final Class<T> type;

  RecordCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    byte[] bytes = Json.writeBytes(value);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return Json.read(buffer.getBytes(pos + 4, pos + 4 + length), type);
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return "voxrelay." + type.getSimpleName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
