package io.voxrelay.session;

import io.voxrelay.common.bus.BusFailure;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.NoSuchElementException;

/** How the session service answers bus requests: the one mapping from its failures to {@link BusFailure} codes. */
final class BusReplies {

  private static final Logger LOG = LoggerFactory.getLogger(BusReplies.class);

  private BusReplies() {
  }

  /** Answers a request with {@code result}'s value (an empty reply for none), or its failure. */
  static void answer(Message<?> message, String operation, Future<?> result) {
    result.onSuccess(message::reply).onFailure(e -> fail(message, operation, e));
  }

  static void fail(Message<?> message, String operation, Throwable e) {
    if (e instanceof StaleClaim stale) {
      LOG.info("[SessionService] {} refused: {}", operation, stale.getMessage());
      message.fail(BusFailure.FENCED, stale.getMessage());
    } else if (e instanceof ControlRules.Refused refused) {
      message.fail(refused.code, refused.getMessage());
    } else if (e instanceof Unauthorized) {
      message.fail(BusFailure.UNAUTHORIZED, "unauthorized");
    } else if (e instanceof NoSuchElementException) {
      message.fail(BusFailure.NOT_FOUND, "no such session");
    } else if (StoreContention.is(e)) {
      // The store is busy or locked beyond the database timeout: the sender tries again, nothing is broken.
      LOG.warn("[SessionService] {} not stored in time: {}", operation, e.getMessage());
      message.fail(BusFailure.UNAVAILABLE, operation + " could not reach the store in time; try again");
    } else {
      LOG.error("[SessionService] {} failed", operation, e);
      message.fail(BusFailure.INTERNAL, operation + " failed");
    }
  }

  /** Unknown session or wrong token, deliberately indistinguishable to the caller. */
  static final class Unauthorized extends RuntimeException {
    Unauthorized() {
      super("unauthorized", null, false, false);
    }
  }
}
