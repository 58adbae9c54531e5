package io.voxrelay.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.protocol.TerminationReason;

import java.util.ArrayList;
import java.util.List;

/**
 * Which lifecycle webhooks a stored change of a session reports: the one place the rule lives. They are read
 * off the change itself (the session before and after), so each is queued in the transaction that stores
 * the change, and a change that is not stored reports nothing.
 */
final class LifecycleEvents {

  /** One event: its type and its {@code data}. */
  record Event(String type, ObjectNode data) {
  }

  private LifecycleEvents() {
  }

  /** A session was created. */
  static List<Event> created(SessionRecord s) {
    return List.of(new Event("session.created", Json.object().put("questionCount", s.questions().size())));
  }

  /** What the change from {@code before} to {@code after} reports, in the order it happened. */
  static List<Event> between(SessionRecord before, SessionRecord after) {
    List<Event> events = new ArrayList<>(2);
    String was = before.connectionId();
    String is = after.connectionId();
    if (was != null && !was.equals(is)) {
      // The gateway reported the socket closed, a newer connection took the session over, or the client went
      // silent (terminated for its heartbeat).
      String reason = is != null ? "replaced" : after.terminationReason() != null && before.terminationReason() == null
          ? "lost" : "closed";
      events.add(new Event("session.disconnected", Json.object().put("reason", reason)));
    }
    if (is != null && !is.equals(was)) {
      events.add(new Event("session.connected", Json.object().put("connections", after.connections())
          .put("reconnect", after.connections() > 1)));
    }
    if (after.upstreamFailures() > before.upstreamFailures()) {
      events.add(new Event("upstream.failed", Json.object().put("failures", after.upstreamFailures())));
    }
    if (before.terminationReason() == null && after.terminationReason() != null && !after.ended()) {
      ObjectNode data = Json.object().put("reason", after.terminationReason());
      for (TerminationReason reason : TerminationReason.values()) {
        if (reason.code().equals(after.terminationReason())) {
          data.put("message", reason.message());
        }
      }
      events.add(new Event("session.terminated", data));
    }
    if (before.budgetWarnedAt() == 0 && after.budgetWarnedAt() != 0) {
      events.add(new Event("session.budget_warning", Json.object()
          .put("limit", after.limits().tightestLimit(after.spend()))
          .put("usedFraction", Math.round(after.limits().usedFraction(after.spend()) * 1000) / 1000.0)));
    }
    if (before.awaitingResume() && !after.awaitingResume() && !after.ended()) {
      events.add(new Event("session.resumed", Json.object().put("from", before.state().code())));
    }
    if (!before.ended() && after.ended()) {
      events.add(new Event("session.ended", Json.object()
          .put("questionIndex", after.currentQuestionIndex())
          .put("transcript", "/v1/sessions/" + after.sessionId() + "/transcript")));
    }
    return events;
  }
}
