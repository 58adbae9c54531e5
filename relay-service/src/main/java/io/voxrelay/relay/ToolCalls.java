package io.voxrelay.relay;

import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.ToolDefinition;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.config.ToolConfig;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.ToolTurns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One session's function tool calls: each call the model makes is stored (with {@code tool.started}) before
 * it is carried out at the backend, and its output is stored (with {@code tool.finished}) before the model
 * reads it, so the history holds both and a relay that takes the session over carries out, once, what it finds
 * without an output. The client learns a tool's name and status only, unless the tool is
 * {@code clientVisible}. Confined to the relay's event loop.
 */
final class ToolCalls {

  private static final Logger LOG = LoggerFactory.getLogger(ToolCalls.class);
  /** Call ids already taken up here, so a call the upstream reports again is carried out once. */
  private static final int REMEMBERED_CALLS = 256;

  /** What a session gives its tool calls. */
  interface Host {
    SessionTools tools();

    /** Stores {@code turn} with {@code clientEvent}, in one transaction, and adds it to the history. */
    void record(Turn turn, String clientEvent);

    /** The current upstream link, or null while there is none. */
    UpstreamChannel link();

    /** An item the relay added that the model must answer. */
    void expect(String itemId);

    /** Something changed that may let the conversation move on. */
    void progress();
  }

  private final String sessionId;
  private final ToolEndpoint endpoint;
  private final Host host;
  private record Running(ToolTurns.Call call, ToolEndpoint.Call handle) {
  }

  private final Map<String, Running> running = new LinkedHashMap<>();
  private final Set<String> taken = new LinkedHashSet<>();

  ToolCalls(String sessionId, ToolEndpoint endpoint, Host host) {
    this.sessionId = sessionId;
    this.endpoint = endpoint;
    this.host = host;
  }

  /** Whether a call is under way: typed turns wait for its answer. */
  boolean running() {
    return !running.isEmpty();
  }

  /** The model called a tool: stored, then carried out. */
  void requested(ToolTurns.Call call) {
    if (!take(call.callId())) {
      return;
    }
    ToolDefinition tool = host.tools().named(call.name());
    boolean visible = tool != null && tool.clientVisible();
    host.record(ToolTurns.callTurn(call), ServerEvents.toolStarted(call.callId(), call.name(),
        visible ? call.arguments() : null));
    carryOut(call, tool);
  }

  /**
   * Calls found in the history without an output (the relay that made them stopped before it had one): they
   * are carried out here, once.
   */
  void resume(List<ToolTurns.Call> unanswered) {
    for (ToolTurns.Call call : unanswered) {
      if (take(call.callId())) {
        LOG.info("[Relay] carrying out tool call {} of {} that the previous relay left unanswered", call.name(),
            sessionId);
        carryOut(call, host.tools().named(call.name()));
      }
    }
  }

  private void carryOut(ToolTurns.Call call, ToolDefinition tool) {
    if (tool == null) {
      finish(call, ToolEndpoint.error(call, "error", "this session has no tool named '" + call.name() + "'"), true);
      return;
    }
    if (running.size() >= ToolConfig.MAX_CALLS_PER_SESSION) {
      finish(call, ToolEndpoint.error(call, "error", "too many tool calls at once"), true);
      return;
    }
    ToolEndpoint.Call under = endpoint.call(sessionId, call);
    running.put(call.callId(), new Running(call, under));
    under.outcome().onComplete(ar -> {
      // A call given up (a pause, the end) was answered then: what it returns after is dropped.
      if (running.remove(call.callId()) != null) {
        finish(call, ar.result(), true);
      }
    });
  }

  /**
   * Gives up on every call under way ({@code reason}: the user paused, the session ended or was terminated):
   * each gets a cancelled output, stored, and, with {@code tellModel}, put in the conversation without asking
   * for an answer.
   */
  void cancelAll(String reason, boolean tellModel) {
    for (Running call : List.copyOf(running.values())) {
      running.remove(call.call().callId());
      call.handle().cancel();
      LOG.info("[Relay] tool call {} of {} cancelled: {}", call.call().name(), sessionId, reason);
      finish(call.call(), ToolEndpoint.error(call.call(), "cancelled", reason), tellModel);
    }
  }

  /**
   * Another relay has the session now (a hand-off, a lost claim): calls under way are given up without a
   * word, and the relay that has the session carries out what it finds unanswered.
   */
  void abandonAll() {
    for (Running call : List.copyOf(running.values())) {
      running.remove(call.call().callId());
      call.handle().cancel();
    }
  }

  /** Stores the output with {@code tool.finished}, then gives it to the model (and asks it to answer). */
  private void finish(ToolTurns.Call call, ToolTurns.Output output, boolean tellModel) {
    ToolDefinition tool = host.tools().named(call.name());
    boolean visible = tool != null && tool.clientVisible();
    host.record(ToolTurns.outputTurn(output), ServerEvents.toolFinished(call.callId(), call.name(), output.status(),
        visible ? output.output() : null));
    if (!tellModel) {
      return;
    }
    // Without a link now, the output is in the history, and the next link has it restored (and answers it).
    UpstreamChannel link = host.link();
    if (link != null) {
      link.send(RealtimeClientEvents.functionCallOutputItem(output));
    }
    if (!"cancelled".equals(output.status())) {
      host.expect(ToolTurns.outputItemId(output.callId()));
    }
    host.progress();
  }

  private boolean take(String callId) {
    if (!taken.add(callId)) {
      return false;
    }
    if (taken.size() > REMEMBERED_CALLS) {
      taken.remove(taken.iterator().next());
    }
    return true;
  }
}
