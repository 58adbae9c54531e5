package io.voxrelay.relay;

import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.bus.UpstreamOptions;
import io.voxrelay.common.protocol.ServerEvents;
import io.voxrelay.common.protocol.ToolTurns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream side of one relay session: each new link configured with the conversation restored, and what the
 * upstream's events mean for the session (turns recorded, tool calls, usage billed, rate limits, audio to the
 * client). Events from a link that is no longer current are only billed. Confined to the relay verticle's event
 * loop.
 */
final class SessionUpstream implements LinkSupervisor.Listener<UpstreamLink> {

  private static final Logger LOG = LoggerFactory.getLogger(SessionUpstream.class);

  /** What the upstream side needs from its session. */
  interface Host {
    /** Sends the client an event (stored and replayed), then closes its socket with {@code closeCode} (0: none). */
    void toClient(String json, int closeCode);

    /** Sends the client an event live only (never stored or replayed). */
    void live(String json);

    /** The session ends by {@code exit} ({@link SessionLife}). */
    void end(SessionLife.Exit exit);
  }

  /** The session's parts that the upstream's events change. */
  record Parts(ConversationState state, TurnRecorder recorder, TurnTaking turns, ToolCalls toolCalls,
               SessionBilling billing, UpstreamRateLimits rateLimits, AnswerCuts cuts, RelayMetrics metrics,
               Timers timers) {
  }

  private final UpstreamOptions defaults;
  private final Parts parts;
  private final Host host;
  private LinkSupervisor<UpstreamLink> supervisor;

  SessionUpstream(UpstreamOptions defaults, Parts parts, Host host) {
    this.defaults = defaults;
    this.parts = parts;
    this.host = host;
  }

  LinkSupervisor<UpstreamLink> supervisor() {
    return supervisor;
  }

  /** The supervisor of this session's links (set once, as it is made with this listener). */
  void supervise(LinkSupervisor<UpstreamLink> supervisor) {
    this.supervisor = supervisor;
  }

  @Override
  public int restore(UpstreamLink fresh) {
    ConversationState state = parts.state();
    fresh.send(RealtimeClientEvents.sessionUpdate(state, defaults));
    for (Turn turn : state.history()) {
      fresh.send(switch (turn.role()) {
        case Turn.TOOL_CALL -> RealtimeClientEvents.functionCallItem(ToolTurns.call(turn));
        case Turn.TOOL_OUTPUT -> RealtimeClientEvents.functionCallOutputItem(ToolTurns.output(turn));
        default -> RealtimeClientEvents.conversationItemCreate(null, turn.role(), turn.text());
      });
    }
    return state.history().size();
  }

  @Override
  public void linkReady(UpstreamLink fresh, boolean replaced) {
    if (replaced) {
      parts.recorder().cutOff();
    }
    // Whatever was owed an answer is in the restored history; nothing is being answered on the new link.
    parts.turns().conversationRestored();
    parts.turns().progress(fresh);
  }

  @Override
  public void linkLost() {
    parts.recorder().cutOff();
  }

  @Override
  public void reconnecting(int attempt) {
    parts.metrics().reconnects.increment();
    host.toClient(ServerEvents.upstreamReconnecting(attempt), 0);
  }

  @Override
  public void restored(String reason, int restoredTurns) {
    if ("rollover".equals(reason)) {
      parts.metrics().rollovers.increment();
    }
    host.toClient(ServerEvents.upstreamRestored(reason, restoredTurns), 0);
  }

  @Override
  public void gaveUp() {
    host.end(SessionLife.Exit.GAVE_UP_REOPENING);
  }

  /** An event from link {@code from}. */
  void onEvent(UpstreamLink from, UpstreamEvent event) {
    if (event instanceof UpstreamEvent.ResponseDone done && done.usage() != null) {
      parts.billing().billed(done);
    }
    if (!supervisor.isCurrent(from)) {
      return;
    }
    TurnRecorder recorder = parts.recorder();
    if (event instanceof UpstreamEvent.FunctionCall call) {
      parts.toolCalls().requested(new ToolTurns.Call(call.itemId(), call.callId(), call.name(), call.arguments()));
    } else if (event instanceof UpstreamEvent.UserTranscript said) {
      recorder.record(new Turn(said.itemId(), Turn.USER, said.text()), 0);
    } else if (event instanceof UpstreamEvent.AnswerDone done) {
      recorder.answerDone(done.itemId(), done.text());
      parts.cuts().apply();
    } else if (event instanceof UpstreamEvent.AnswerDelta delta) {
      recorder.answerDelta(delta.itemId(), delta.delta());
    } else if (event instanceof UpstreamEvent.ResponseDone) {
      recorder.cutOff();
      parts.cuts().apply();
    } else if (event instanceof UpstreamEvent.Failure failure) {
      LOG.warn("[Relay] upstream error for {}: {}", parts.state().sessionId(), failure.code());
    }
    TurnTaking turns = parts.turns();
    turns.observe(event);
    String refused = parts.rateLimits().observe(event, parts.timers().now());
    String toClient = refused != null ? refused : event.toClient();
    if (toClient != null) {
      host.toClient(toClient, 0);
    }
    if (turns.mayMoveOn(event)) {
      turns.progress(from);
    }
    if (event instanceof UpstreamEvent.ResponseDone || event instanceof UpstreamEvent.SpeechEnded ended
        && !ended.cleared()) {
      supervisor.quietMoment();
    }
  }

  /** Audio is live: it goes straight to the client and is never stored or replayed. */
  void onAudio(UpstreamLink from, String itemId, String base64Pcm) {
    if (supervisor.isCurrent(from)) {
      String item = itemId == null ? "" : itemId;
      long offsetMs = parts.cuts().audioSent(item, base64Pcm.length() * 3L / 4);
      host.live(ServerEvents.audio(item, offsetMs, base64Pcm));
    }
  }
}
