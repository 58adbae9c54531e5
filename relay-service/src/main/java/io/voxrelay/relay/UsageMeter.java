package io.voxrelay.relay;

import io.voxrelay.common.bus.Usage;
import io.voxrelay.common.bus.UsageReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one session's upstreams cost at this relay, until the session service has it: each finished response's
 * usage, and each upstream connection's time. A report holds what is not yet acknowledged; the store counts
 * each response and each upstream once, so a report sent again adds nothing. Bounded: past
 * {@link #MAX_PENDING} responses unacknowledged (a long outage of the session service) the oldest are dropped,
 * and logged. Confined to the relay's event loop.
 */
final class UsageMeter {

  private static final Logger LOG = LoggerFactory.getLogger(UsageMeter.class);
  static final int MAX_PENDING = 512;

  private final String sessionId;
  /** The model the session's upstream serves now (it changes once if the session fails over). */
  private final java.util.function.Supplier<String> model;
  private final Map<String, Usage> pending = new LinkedHashMap<>();
  private final List<UpstreamLink> links = new ArrayList<>();
  /** The total this relay counted for the session, reported or not (for its own checks). */
  private Usage counted = Usage.NONE;

  UsageMeter(String sessionId, java.util.function.Supplier<String> model) {
    this.sessionId = sessionId;
    this.model = model;
  }

  /** A response finished, billed {@code usage}. */
  void responseDone(String responseId, Usage usage) {
    if (responseId == null || usage == null || pending.containsKey(responseId)) {
      return;
    }
    if (pending.size() >= MAX_PENDING) {
      String oldest = pending.keySet().iterator().next();
      pending.remove(oldest);
      LOG.warn("[Relay] the usage of {} waits too long to be stored; a response's usage was dropped", sessionId);
    }
    pending.put(responseId, usage);
    counted = counted.plus(usage);
  }

  /** An upstream connection of the session: its time counts from its opening until it closes. */
  void linkOpened(UpstreamLink link) {
    links.add(link);
  }

  /** Usage counted here since this relay took the session. */
  Usage counted() {
    return counted;
  }

  /** What is not yet acknowledged, or null when there is nothing (no response pending, no connection). */
  UsageReport report(long now) {
    if (pending.isEmpty() && links.isEmpty()) {
      return null;
    }
    List<UsageReport.ResponseUsage> responses = new ArrayList<>();
    pending.forEach((id, usage) -> responses.add(new UsageReport.ResponseUsage(id, usage)));
    List<UsageReport.UpstreamTime> times = new ArrayList<>();
    for (UpstreamLink link : links) {
      times.add(link.time(now));
    }
    return new UsageReport(sessionId, model.get(), responses, times);
  }

  /** {@code report} is stored: its responses, and the connections it reported closed, need no more reports. */
  void acknowledged(UsageReport report) {
    report.responses().forEach(r -> pending.remove(r.responseId()));
    Map<String, Long> reported = new LinkedHashMap<>();
    report.upstreams().forEach(t -> reported.merge(t.upstreamId(), t.untilAt(), Math::max));
    links.removeIf(link -> {
      UsageReport.UpstreamTime last = link.time(0);
      return link.closed() && reported.getOrDefault(last.upstreamId(), -1L) >= last.untilAt();
    });
  }
}
