package io.voxrelay.common.bus;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable writes to the session service, as requests with replies, sent again with backoff until one is
 * acknowledged, within a bound. Only a fault is retried (no handler, a timeout, an internal or unavailable
 * store): a refusal (such as {@link BusFailure#FENCED}) is final. The receiver applies each write once
 * however often it arrives, so a retry after a lost reply is harmless.
 */
public final class DurableRequests {

  private static final Logger LOG = LoggerFactory.getLogger(DurableRequests.class);

  /**
   * How a write is retried.
   *
   * @param timeoutMs    each attempt's bus timeout
   * @param attempts     attempts in all, at least 1
   * @param firstDelayMs the wait after the first failure, doubled after each further one
   * @param maxDelayMs   the longest wait between two attempts
   */
  public record Policy(long timeoutMs, int attempts, long firstDelayMs, long maxDelayMs) {
    public Policy {
      if (attempts < 1 || timeoutMs <= 0 || firstDelayMs < 0 || maxDelayMs < firstDelayMs) {
        throw new IllegalArgumentException("invalid retry policy");
      }
    }

    /**
     * Eight attempts over about 12 s of waits plus their timeouts: a session-service restart, or a failover of
     * its instance, fits well inside.
     */
    public static Policy standard(long busTimeoutMs) {
      return new Policy(busTimeoutMs, 8, 100, 5_000);
    }
  }

  private DurableRequests() {
  }

  /** Sends {@code body} to {@code address} until it is acknowledged; fails with the last failure. */
  public static <T> Future<T> request(Vertx vertx, String address, Object body, Policy policy) {
    Promise<T> result = Promise.promise();
    attempt(vertx, address, body, policy, 1, result);
    return result.future();
  }

  private static <T> void attempt(Vertx vertx, String address, Object body, Policy policy, int attempt,
                                  Promise<T> result) {
    BusRequests.<T>request(vertx, address, body, new DeliveryOptions().setSendTimeout(policy.timeoutMs()))
        .onSuccess(reply -> result.complete(reply.body()))
        .onFailure(e -> {
          if (!retryable(e) || attempt >= policy.attempts()) {
            if (retryable(e)) {
              LOG.warn("[Bus] {} was not acknowledged after {} attempts: {}", address, attempt, e.getMessage());
            }
            result.fail(e);
            return;
          }
          long delay = Math.min(policy.maxDelayMs(), policy.firstDelayMs() << Math.min(20, attempt - 1));
          vertx.setTimer(Math.max(1, delay), t -> attempt(vertx, address, body, policy, attempt + 1, result));
        });
  }

  /** A fault worth another attempt: nobody answered, or the receiver could not do it now. */
  public static boolean retryable(Throwable e) {
    if (!(e instanceof ReplyException re)) {
      return false;
    }
    return re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT
        || re.failureCode() == BusFailure.INTERNAL || re.failureCode() == BusFailure.UNAVAILABLE;
  }
}
