package io.voxrelay.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageProducer;

import java.util.ArrayList;
import java.util.List;

/**
 * A bus producer for one address that keeps what it was given, and whose writes complete at once or when the
 * test says: a connection that keeps up, or one whose peer reads nothing.
 */
public final class RecordingProducer implements MessageProducer<Object> {

  private final String address;
  private final boolean writeAtOnce;
  /** What was written, in order. */
  public final List<Object> bodies = new ArrayList<>();
  private final List<Promise<Void>> writes = new ArrayList<>();

  public RecordingProducer(String address, boolean writeAtOnce) {
    this.address = address;
    this.writeAtOnce = writeAtOnce;
  }

  /** Completes the write of the {@code index}-th message, and (as a connection does) of those before it. */
  public void complete(int index, boolean written) {
    for (int i = 0; i <= index; i++) {
      if (written) {
        writes.get(i).tryComplete();
      } else {
        writes.get(i).tryFail("connection closed");
      }
    }
  }

  @Override
  public Future<Void> write(Object body) {
    bodies.add(body);
    Promise<Void> write = Promise.promise();
    writes.add(write);
    if (writeAtOnce) {
      write.complete();
    }
    return write.future();
  }

  @Override
  public MessageProducer<Object> deliveryOptions(DeliveryOptions options) {
    return this;
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
