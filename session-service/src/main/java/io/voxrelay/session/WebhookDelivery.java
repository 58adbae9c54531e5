package io.voxrelay.session;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.voxrelay.common.config.WebhookConfig;
import io.voxrelay.common.management.MetricNames;
import io.voxrelay.common.management.Telemetry;
import io.voxrelay.common.webhook.BoundedExchange;
import io.voxrelay.common.webhook.SignedPost;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers the queued lifecycle webhooks, from whichever session-service instance holds the delivery lease:
 * each session's events in order, each attempt claimed in the store before it is sent (so two instances never
 * send the same attempt), retried with backoff until delivered or dropped past the age or count bound. A
 * receiver that is down delays delivery and nothing else: sessions never wait for it.
 */
final class WebhookDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);

  /** How long a lease runs unless renewed; it is renewed three times in that span. */
  static final long LEASE_TTL_MS = 10_000;
  private static final long LEASE_RENEW_MS = LEASE_TTL_MS / 3;
  /** How often the lease holder looks for due events. */
  static final long DISPATCH_INTERVAL_MS = 250;
  /** How often the bounds are applied and the queue counted. */
  private static final long HOUSEKEEPING_INTERVAL_MS = 30_000;
  /** The most events in flight at once (at most one per session). */
  static final int MAX_IN_FLIGHT = 32;
  /** The most of a receiver's reply body read (its status decides; the body is not used). */
  static final int MAX_REPLY_BYTES = 64 * 1024;
  private static final long FIRST_BACKOFF_MS = 1_000;
  private static final String USER_AGENT = "voxrelay-webhooks/1";

  private final Vertx vertx;
  private final WebhookStore store;
  private final WebhookConfig config;
  private final String holder;
  private final HttpClient http;
  private final URI url;
  private final String secret;
  private final Counter delivered;
  private final Counter failed;
  private final Counter expired;
  private final Counter overflow;
  private final AtomicLong queued;
  private final List<Long> timers = new ArrayList<>();
  private boolean holding;
  private boolean dispatching;
  private boolean stopped;

  WebhookDelivery(Vertx vertx, WebhookStore store, WebhookConfig config, String holder) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
    this.holder = holder;
    this.url = config.url().orElseThrow();
    this.secret = config.secret().orElseThrow().reveal();
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) Math.min(config.timeoutMs(),
        Integer.MAX_VALUE)).setIdleTimeout(60), new PoolOptions().setHttp1MaxSize(MAX_IN_FLIGHT));
    MeterRegistry registry = Telemetry.of(vertx).registry();
    this.delivered = registry.counter(MetricNames.WEBHOOKS_DELIVERED);
    this.failed = registry.counter(MetricNames.WEBHOOK_ATTEMPTS_FAILED);
    this.expired = registry.counter(MetricNames.WEBHOOKS_DROPPED, "reason", "expired");
    this.overflow = registry.counter(MetricNames.WEBHOOKS_DROPPED, "reason", "overflow");
    this.queued = Telemetry.of(vertx).shared(QueuedGauge.class, QueuedGauge::new).value;
  }

  /** Starts competing for the lease, and delivering while it holds it. */
  void start() {
    renewLease();
    timers.add(vertx.setPeriodic(LEASE_RENEW_MS, t -> renewLease()));
    timers.add(vertx.setPeriodic(DISPATCH_INTERVAL_MS, t -> dispatch()));
    timers.add(vertx.setPeriodic(HOUSEKEEPING_INTERVAL_MS, t -> housekeeping()));
  }

  /** Stops delivering and gives the lease up, so that another instance takes over at once. */
  Future<Void> stop() {
    stopped = true;
    timers.forEach(vertx::cancelTimer);
    Future<Void> released = holding ? store.releaseWebhooks(holder).otherwiseEmpty() : Future.succeededFuture();
    holding = false;
    return released.eventually(() -> http.close());
  }

  /** Whether this instance delivers now (it holds the lease). */
  boolean holding() {
    return holding;
  }

  private void renewLease() {
    store.leaseWebhooks(holder, LEASE_TTL_MS)
        .onSuccess(held -> {
          if (held != holding && !stopped) {
            LOG.info("[SessionService] {} {} the webhook delivery lease", holder, held ? "holds" : "lost");
          }
          holding = held && !stopped;
        })
        .onFailure(e -> {
          // Unsure whether it still holds it: stop sending until a renewal says so (the store keeps claims safe).
          holding = false;
          LOG.warn("[SessionService] renewing the webhook lease failed: {}", e.toString());
        });
  }

  /** One round: the due events, each claimed then sent; the next round starts once this one has finished. */
  private void dispatch() {
    if (!holding || dispatching || stopped) {
      return;
    }
    dispatching = true;
    store.dueWebhooks(MAX_IN_FLIGHT)
        .compose(due -> Future.join(due.stream().map(this::attempt).toList()))
        .onComplete(done -> dispatching = false);
  }

  private Future<Void> attempt(WebhookOutbox.Entry entry) {
    int attempt = entry.attempts() + 1;
    long backoff = backoffMs(attempt, config.maxBackoffMs());
    // If this instance dies mid-attempt, the next holder retries after the attempt's timeout and the backoff.
    long retryAt = System.currentTimeMillis() + config.timeoutMs() + backoff;
    return store.claimWebhookAttempt(holder, entry, retryAt).compose(claimed -> {
      if (!claimed) {
        return Future.succeededFuture();
      }
      return send(entry)
          .compose(v -> {
            delivered.increment();
            return store.webhookDelivered(entry.eventId());
          })
          .recover(e -> {
            failed.increment();
            LOG.info("[SessionService] webhook {} ({}) attempt {} failed: {}; next in {} ms", entry.type(),
                entry.eventId(), attempt, e.getMessage(), backoff);
            return store.retryWebhookAt(entry.eventId(), attempt, System.currentTimeMillis() + backoff);
          });
    }).otherwiseEmpty();
  }

  /** POSTs one event, signed; succeeds on a 2xx answer within the timeout. */
  private Future<Void> send(WebhookOutbox.Entry entry) {
    byte[] body = entry.body().getBytes(StandardCharsets.UTF_8);
    RequestOptions options = SignedPost.to(url, config.timeoutMs(), USER_AGENT, secret, body)
        .putHeader("X-Voxrelay-Event-Id", entry.eventId())
        .putHeader("X-Voxrelay-Event-Type", entry.type());
    // The status decides; the body is read only up to its bound (a larger one is cut off), and the whole
    // exchange ends at the timeout however slowly the receiver sends.
    return BoundedExchange.start(vertx, http, options, body, config.timeoutMs(), MAX_REPLY_BYTES).reply()
        .compose(reply -> reply.status() / 100 == 2 ? Future.<Void>succeededFuture()
            : Future.failedFuture("the receiver answered " + reply.status()));
  }

  /** Drops what is past the bounds (counted), and counts the queue. Only the lease holder does it. */
  private void housekeeping() {
    if (!holding || stopped) {
      return;
    }
    store.dropStaleWebhooks(System.currentTimeMillis() - config.maxAgeMs(), config.maxQueued())
        .onSuccess(dropped -> {
          if (dropped[0] > 0 || dropped[1] > 0) {
            LOG.warn("[SessionService] dropped undelivered webhooks: {} past {} ms, {} past {} queued", dropped[0],
                config.maxAgeMs(), dropped[1], config.maxQueued());
          }
          expired.increment(dropped[0]);
          overflow.increment(dropped[1]);
        })
        .compose(v -> store.queuedWebhooks())
        .onSuccess(queued::set)
        .onFailure(e -> LOG.warn("[SessionService] webhook housekeeping failed: {}", e.toString()));
  }

  /** The wait after failed attempt {@code attempt}: 1 s, doubling, at most {@code maxMs}. */
  static long backoffMs(int attempt, long maxMs) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    return Math.min(maxMs, FIRST_BACKOFF_MS << doublings);
  }

  /** The one queued-webhooks gauge of a Vert.x instance. */
  private static final class QueuedGauge {
    final AtomicLong value;

    QueuedGauge(MeterRegistry registry) {
      value = registry.gauge(MetricNames.WEBHOOKS_QUEUED, new AtomicLong());
    }
  }
}
