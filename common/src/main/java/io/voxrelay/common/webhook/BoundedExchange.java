package io.voxrelay.common.webhook;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;

/**
 * One request to the app's backend (a tool call, a webhook) and its reply, ended at a total deadline however
 * the peer trickles its bytes, the reply read up to a bound. Vert.x's request timeout is an idle timeout: a
 * peer sending a byte a second would hold the call forever without this. Confined to the caller's context.
 */
public final class BoundedExchange {

  /** The peer's answer: its status and at most the bound of its body ({@code oversize}: there was more). */
  public record Reply(int status, Buffer body, boolean oversize) {
  }

  /** The exchange passed its deadline. */
  public static final class DeadlinePassed extends RuntimeException {
    DeadlinePassed(long deadlineMs) {
      super("no whole answer within " + deadlineMs + " ms", null, false, false);
    }
  }

  /** The caller gave up on the exchange. */
  public static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  private final Vertx vertx;
  private final Promise<Reply> reply = Promise.promise();
  private HttpClientRequest sent;
  private long timer;

  private BoundedExchange(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Sends {@code body} with {@code options}; the reply fails with {@link DeadlinePassed} once {@code deadlineMs}
   * passed before its last byte, and stops reading past {@code maxReplyBytes} (then {@link Reply#oversize}).
   */
  public static BoundedExchange start(Vertx vertx, HttpClient http, RequestOptions options, byte[] body,
                                      long deadlineMs, int maxReplyBytes) {
    BoundedExchange exchange = new BoundedExchange(vertx);
    exchange.timer = vertx.setTimer(deadlineMs, t -> exchange.end(new DeadlinePassed(deadlineMs)));
    http.request(options)
        .compose(request -> {
          exchange.sent = request;
          if (exchange.reply.future().isComplete()) {
            request.reset();
          }
          return request.send(Buffer.buffer(body));
        })
        .onFailure(exchange::end)
        .onSuccess(response -> {
          Buffer read = Buffer.buffer();
          response.handler(chunk -> {
            if (read.length() + chunk.length() > maxReplyBytes) {
              exchange.complete(new Reply(response.statusCode(), read, true));
            } else {
              read.appendBuffer(chunk);
            }
          });
          response.exceptionHandler(exchange::end);
          response.endHandler(v -> exchange.complete(new Reply(response.statusCode(), read, false)));
        });
    return exchange;
  }

  /** The reply, or why there is none. */
  public Future<Reply> reply() {
    return reply.future();
  }

  /** Gives up: the request is reset, and the reply fails with {@link Cancelled} (unless it already ended). */
  public void cancel() {
    end(new Cancelled());
  }

  private void complete(Reply answer) {
    if (reply.tryComplete(answer)) {
      vertx.cancelTimer(timer);
      if (answer.oversize() && sent != null) {
        sent.reset();
      }
    }
  }

  private void end(Throwable why) {
    if (reply.tryFail(why)) {
      vertx.cancelTimer(timer);
      if (sent != null) {
        sent.reset();
      }
    }
  }
}
