package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.DurableRequests;
import io.voxrelay.common.bus.UsageBatch;
import io.voxrelay.common.bus.UsageReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a relay's upstreams cost, on its way to the store: every {@link #USAGE_REPORT_MS}, soon after a billed
 * response of a session with limits, and when the relay stops; and the relay's own backstop for a budget the
 * session service did not enforce. Confined to the relay verticle's event loop.
 */
final class UsageReports {

  private static final Logger LOG = LoggerFactory.getLogger(UsageReports.class);
  /** How often the sessions' usage goes to the store: what a crash of this relay can leave uncounted. */
  static final long USAGE_REPORT_MS = 5_000;
  /** How soon the usage of a session with limits goes after a response: responses in a burst share a report. */
  static final long USAGE_SOON_MS = 100;
  /** Bus timeouts a session past its budget waits for the session service to end it before the relay does. */
  static final int BUDGET_BACKSTOP_TIMEOUTS = 3;
  /** Closed sessions whose last usage waits for the store, at most (a long outage of the session service). */
  private static final int MAX_FINISHING = 10_000;

  private final Vertx vertx;
  private final long busTimeoutMs;
  private final Supplier<Collection<RelaySession>> live;
  /** The usage of sessions closed here that the store does not have in full yet. */
  private final List<UsageMeter> finishing = new ArrayList<>();
  /** Whether a report is on its way: one at a time. */
  private boolean reporting;
  /** A report of sessions with limits is due shortly. */
  private boolean soon;
  /** A report was asked for while one was on its way: another follows it. */
  private boolean again;

  /** @param live the sessions held here now */
  UsageReports(Vertx vertx, long busTimeoutMs, Supplier<Collection<RelaySession>> live) {
    this.vertx = vertx;
    this.busTimeoutMs = busTimeoutMs;
    this.live = live;
  }

  /** Reports every {@link #USAGE_REPORT_MS}. */
  void start() {
    vertx.setPeriodic(USAGE_REPORT_MS, t -> report());
  }

  /** A session closed here: its last usage (the final time of its upstream) still goes to the store. */
  void closed(RelaySession session) {
    if (finishing.size() >= MAX_FINISHING) {
      finishing.remove(0);
      LOG.warn("[Relay] the usage of more than {} closed sessions waits to be stored; the oldest is dropped",
          MAX_FINISHING);
    }
    finishing.add(session.usage());
  }

  /**
   * Sends what the sessions' upstreams cost since the last report (and the final figures of sessions closed
   * here), in batches; each meter lets go of what the store acknowledged. One report at a time.
   */
  Future<Void> report() {
    if (reporting) {
      again = true;
      return Future.succeededFuture();
    }
    long now = System.currentTimeMillis();
    List<UsageMeter> meters = new ArrayList<>(finishing);
    live.get().forEach(s -> meters.add(s.usage()));
    Map<UsageReport, UsageMeter> reports = new LinkedHashMap<>();
    for (UsageMeter meter : meters) {
      UsageReport report = meter.report(now);
      if (report != null) {
        reports.put(report, meter);
      }
    }
    finishing.removeIf(meter -> meter.report(now) == null);
    if (reports.isEmpty()) {
      return Future.succeededFuture();
    }
    reporting = true;
    List<UsageReport> all = new ArrayList<>(reports.keySet());
    List<Future<?>> sent = new ArrayList<>();
    for (int from = 0; from < all.size(); from += UsageBatch.MAX_REPORTS) {
      List<UsageReport> batch = all.subList(from, Math.min(all.size(), from + UsageBatch.MAX_REPORTS));
      sent.add(DurableRequests.request(vertx, Addresses.SESSION_USAGE, new UsageBatch(batch),
              DurableRequests.Policy.standard(busTimeoutMs))
          .onSuccess(v -> batch.forEach(report -> reports.get(report).acknowledged(report)))
          .onFailure(e -> LOG.warn("[Relay] usage of {} sessions not stored yet: {}", batch.size(), e.getMessage())));
    }
    return Future.join(sent).transform(done -> {
      reporting = false;
      finishing.removeIf(meter -> meter.report(System.currentTimeMillis()) == null);
      if (again) {
        again = false;
        vertx.runOnContext(v -> report());
      }
      return Future.succeededFuture();
    });
  }

  /** A session with limits was billed: its usage goes now rather than at the next period (coalesced). */
  void soon() {
    if (!soon) {
      soon = true;
      vertx.setTimer(USAGE_SOON_MS, t -> {
        soon = false;
        report();
      });
    }
  }

  /**
   * By this relay's own count {@code session} reached a limit. The session service ends it once its usage is
   * stored (which it is now sent); if that has not happened within a few bus timeouts (the session service is
   * down or cut off), the relay closes the upstream itself: a budget holds without any other service.
   */
  void budgetReached(RelaySession session) {
    LOG.info("[Relay] {} reached a limit of its budget", session.sessionId());
    report();
    vertx.setTimer(BUDGET_BACKSTOP_TIMEOUTS * busTimeoutMs, t -> {
      if (!session.isClosed()) {
        LOG.warn("[Relay] {} is past its budget and the session service did not end it: closing its upstream",
            session.sessionId());
        session.end(SessionLife.Exit.GUARD_BUDGET);
      }
    });
  }
}
