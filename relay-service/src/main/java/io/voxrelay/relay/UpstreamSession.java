package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.bus.ActivityAccumulator;
import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.ControlApplied;
import io.voxrelay.common.bus.EventOutbox;
import io.voxrelay.common.bus.SessionSnapshot;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.bus.UpstreamClosed;
import io.voxrelay.common.config.RelayConfig;
import io.voxrelay.common.protocol.CloseCode;
import io.voxrelay.common.protocol.EventKind;
import io.voxrelay.common.protocol.Sequenced;
import io.voxrelay.common.protocol.ServerEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;

/**
 * The relay's side of one live session: the conversation state, the current upstream link, and the gateway
 * instance its client is on. When the upstream drops, it reconnects with backoff and restores the
 * conversation into the new upstream session; before the upstream's time limit it rolls over to a fresh
 * one at a quiet moment. Confined to the relay verticle's event loop.
 */
final class UpstreamSession {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamSession.class);
  private static final long MAX_RECONNECT_DELAY_MS = 5_000;
  /**
   * Speech with no audio for this long has stalled (the microphone stopped mid-word): turn detection will
   * never hear it end, so it no longer holds back an answer that is owed.
   */
  static final long SPEECH_STALL_MS = 1_000;
  /** Typed turns waiting for the AI's current answer to finish (or for an upstream); more are refused. */
  static final int MAX_WAITING_TEXTS = 16;

  /** A typed turn accepted from the client, not yet in the upstream conversation. */
  private record WaitingText(String text, long clientSeq) {
  }

  private final Vertx vertx;
  private final String relayNode;
  private final RelayConfig config;
  private final UpstreamConnector connector;
  private final ConversationState state;
  private final ActivityAccumulator activity;
  private final EventOutbox outbox;
  /**
   * The highest client seq accepted here (carried out, or a typed turn waiting its turn): a control resent
   * after a reconnect is carried out once.
   */
  private long lastAcceptedClientSeq;
  private final AnswerTracker answers = new AnswerTracker();
  private final TransientRing transients;
  private final PartialAnswers partialAnswers = new PartialAnswers();
  private final Deque<WaitingText> waitingTexts = new ArrayDeque<>();
  /** When this relay last heard that the client is alive (its own clock): the cost guard's input. */
  private long lastHeartbeatAt;
  private String gatewayNode;
  /** The node address of {@link #gatewayNode}, built once rather than per event. */
  private String gatewayAddress;
  private String connectionId;
  private UpstreamLink link;
  private boolean closed;
  private boolean switching;
  private boolean rolloverDue;
  private int reconnectAttempt;
  private long detachTimer = -1;
  private long stallTimer = -1;
  /** When audio was last forwarded upstream (this relay's clock). */
  private long lastAudioAt;
  private long rolloverTimer = -1;
  private long forcedRolloverTimer = -1;
  private Runnable onClosed = () -> { };

  private UpstreamSession(Vertx vertx, String relayNode, RelayConfig config, UpstreamConnector connector,
                          ActivityAccumulator activity, SessionSnapshot snapshot, String gatewayNode,
                          String connectionId, TransientRing transients) {
    this.transients = transients;
    this.vertx = vertx;
    this.activity = activity;
    this.lastHeartbeatAt = System.currentTimeMillis();
    this.lastAcceptedClientSeq = snapshot.appliedClientSeq();
    this.outbox = new EventOutbox(vertx, snapshot.sessionId(), config.busTimeoutMs(), this::deliver);
    this.relayNode = relayNode;
    this.config = config;
    this.connector = connector;
    this.state = new ConversationState(snapshot);
    useGateway(gatewayNode);
    this.connectionId = connectionId;
  }

  /** Opens the first upstream link, configured and with any earlier conversation restored. */
  static Future<UpstreamSession> open(Vertx vertx, String relayNode, RelayConfig config, UpstreamConnector connector,
                                      ActivityAccumulator activity, SessionSnapshot snapshot, String gatewayNode,
                                      String connectionId, TransientRing transients) {
    UpstreamSession session = new UpstreamSession(vertx, relayNode, config, connector, activity, snapshot,
        gatewayNode, connectionId, transients);
    return session.connectLink().map(restored -> session);
  }

  /** The client is on gateway instance {@code node} now (null: on none). */
  private void useGateway(String node) {
    gatewayNode = node;
    gatewayAddress = node == null ? null : Addresses.gatewayNode(node);
  }

  String sessionId() {
    return state.sessionId();
  }

  /** The client connection this session's events go to, or null while none is attached. */
  String connectionId() {
    return connectionId;
  }

  void onClosed(Runnable callback) {
    this.onClosed = callback;
  }

  // ---- client side -------------------------------------------------------------------------------------

  /**
   * Microphone audio: forwarded only while the session is live and not gated (paused, awaiting resume).
   * Only audio actually forwarded counts as activity (seed 002, finding 1): gated audio keeps nothing alive.
   */
  void audio(String fromConnection, String base64Pcm) {
    if (!closed && link != null && !state.gated() && fromConnection.equals(connectionId)) {
      link.sendAudio(base64Pcm);
      lastAudioAt = System.currentTimeMillis();
      activity.audio(sessionId(), lastAudioAt);
    }
  }

  /** The client showed a heartbeat (reported by its gateway). */
  void heartbeat(long receivedAt) {
    lastHeartbeatAt = Math.max(lastHeartbeatAt, receivedAt);
  }

  long lastHeartbeatAt() {
    return lastHeartbeatAt;
  }

  /**
   * Carries out a control upstream, given the session state after it.
   *
   * @return a failed future when the control cannot be carried out now (no upstream link)
   */
  Future<Void> apply(Control control, String text, long clientSeq, SessionSnapshot snapshot) {
    state.update(snapshot);
    if (clientSeq > 0 && clientSeq <= lastAcceptedClientSeq) {
      return Future.succeededFuture();
    }
    if (control == Control.TEXT) {
      return acceptText(text, clientSeq);
    }
    if (control == Control.END) {
      lastAcceptedClientSeq = Math.max(lastAcceptedClientSeq, clientSeq);
      ServerEvents.afterControl(control, snapshot).ifPresent(e -> toClient(e, CloseCode.NORMAL.code()));
      LOG.info("[Relay] interview {} ended by the client", sessionId());
      close(false);
      return Future.succeededFuture();
    }
    if (link == null) {
      return Future.failedFuture("the AI service is reconnecting");
    }
    switch (control) {
      case PAUSE -> {
        // Order matters: first stop turn detection from answering, then drop buffered audio and any answer.
        link.send(RealtimeClientEvents.sessionUpdate(state, config.voice()));
        link.send(RealtimeClientEvents.inputAudioBufferClear());
        if (link.responseActive()) {
          link.send(RealtimeClientEvents.responseCancel());
        }
      }
      case RESUME, TEXT_ONLY_ON, TEXT_ONLY_OFF -> link.send(RealtimeClientEvents.sessionUpdate(state, config.voice()));
      case NEXT_QUESTION -> {
        String itemId = newItemId();
        link.send(RealtimeClientEvents.sessionUpdate(state, config.voice()));
        link.send(RealtimeClientEvents.conversationItemCreate(itemId, "system", InterviewPrompt.movedOn(state)));
        if (!state.gated()) {
          if (link.responseActive()) {
            link.send(RealtimeClientEvents.responseCancel());
          }
          answers.expect(itemId);
        }
      }
      default -> throw new IllegalStateException("unhandled control " + control);
    }
    lastAcceptedClientSeq = Math.max(lastAcceptedClientSeq, clientSeq);
    if (clientSeq > 0) {
      vertx.eventBus().send(Addresses.SESSION_CONTROL_APPLIED, new ControlApplied(sessionId(), clientSeq));
    }
    ServerEvents.afterControl(control, snapshot).ifPresent(this::toClient);
    progress();
    return Future.succeededFuture();
  }

  /**
   * A typed turn enters the conversation when no answer is under way or owed: one that arrives while the AI
   * answers (or while the upstream reconnects) waits for that, so each typed turn gets its own answer and
   * the transcript reads in the order the conversation happened. At most {@link #MAX_WAITING_TEXTS} wait.
   */
  private Future<Void> acceptText(String text, long clientSeq) {
    if (waitingTexts.size() >= MAX_WAITING_TEXTS) {
      return Future.failedFuture("too many typed turns are waiting for an answer");
    }
    lastAcceptedClientSeq = Math.max(lastAcceptedClientSeq, clientSeq);
    waitingTexts.add(new WaitingText(text, clientSeq));
    progress();
    return Future.succeededFuture();
  }

  /**
   * Moves the conversation on at a moment when that is safe: asks for the answer an item still owes, or
   * else lets the next waiting typed turn in. Called after every upstream event that can change either.
   */
  private void progress() {
    if (closed || link == null) {
      return;
    }
    if (answers.owesAnswer()) {
      if (state.gated() || !link.noResponse()) {
        return;
      }
      long silentFor = System.currentTimeMillis() - lastAudioAt;
      if (link.idle() || silentFor >= SPEECH_STALL_MS) {
        link.requestResponse();
      } else if (stallTimer < 0) {
        // The user is speaking: the answer follows when the speech ends, or once it has stalled.
        stallTimer = vertx.setTimer(SPEECH_STALL_MS - silentFor + 10, t -> {
          stallTimer = -1;
          progress();
        });
      }
      return;
    }
    if (answers.pending() == 0 && !link.responseActive() && !waitingTexts.isEmpty()) {
      WaitingText next = waitingTexts.poll();
      Turn turn = new Turn(newItemId(), Turn.USER, next.text());
      link.send(RealtimeClientEvents.conversationItemCreate(turn.itemId(), turn.role(), turn.text()));
      answers.expect(turn.itemId());
      recordTurn(turn, next.clientSeq());
    }
  }

  private static String newItemId() {
    return "vr_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  /** The client is told that this relay took the session over from one that is gone. */
  void announceFailover() {
    toClient(ServerEvents.upstreamRestored("relay_failover", state.history().size()));
  }

  /**
   * The client is (again) on {@code node} as {@code connection}, with every event up to {@code afterSeq}; a
   * pending detach close is cancelled.
   *
   * @return the transient events it missed, from the ring
   */
  TransientRing.Replay attach(String node, String connection, SessionSnapshot snapshot, long afterSeq) {
    heartbeat(System.currentTimeMillis());
    transients.observe(afterSeq);
    useGateway(node);
    connectionId = connection;
    state.update(snapshot);
    if (detachTimer >= 0) {
      vertx.cancelTimer(detachTimer);
      detachTimer = -1;
    }
    return transients.after(afterSeq);
  }

  /** The transient events after {@code afterSeq} still in the ring, for the client of a fresh open. */
  TransientRing.Replay transientsAfter(long afterSeq) {
    return transients.after(afterSeq);
  }

  /** A durable event from another emitter reached the client: transient events are numbered after it. */
  void durableReleased(long seq) {
    transients.durableReleased(seq);
  }

  /**
   * The client connection {@code connection} left. Ignored if a newer connection has attached since. If no
   * client comes back within the detach grace, the upstream is closed.
   */
  void detach(String connection) {
    if (connection.equals(connectionId)) {
      useGateway(null);
      connectionId = null;
      if (detachTimer < 0) {
        detachTimer = vertx.setTimer(config.detachGraceMs(), id -> {
          detachTimer = -1;
          LOG.info("[Relay] closing upstream of {}: client did not return within {} ms", sessionId(),
              config.detachGraceMs());
          close(true);
        });
      }
    }
  }

  /**
   * Closes the upstream for good. With {@code awaitResume} the session lives on: the session service is
   * told, and a new upstream opens only when the client resumes. Without it the interview has ended.
   */
  void close(boolean awaitResume) {
    if (closed) {
      return;
    }
    closed = true;
    cutOffPartialAnswers();
    if (awaitResume) {
      vertx.eventBus().send(Addresses.SESSION_UPSTREAM_CLOSED, new UpstreamClosed(sessionId(), relayNode));
    }
    for (long timer : List.of(detachTimer, rolloverTimer, forcedRolloverTimer, stallTimer)) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
    if (link != null) {
      link.close();
      link = null;
    }
    onClosed.run();
  }

  // ---- upstream side -----------------------------------------------------------------------------------

  /** Connects a new link, configures it and restores the conversation; it becomes the current link. */
  private Future<Integer> connectLink() {
    return connector.connect().map(socket -> {
      UpstreamLink fresh = new UpstreamLink(socket, sessionId(), this::onEvent, this::onAudio, this::onLost);
      if (closed) {
        fresh.close();
        throw new IllegalStateException("session closed while connecting");
      }
      fresh.send(RealtimeClientEvents.sessionUpdate(state, config.voice()));
      List<Turn> history = state.history();
      for (Turn turn : history) {
        fresh.send(RealtimeClientEvents.conversationItemCreate(null, turn.role(), turn.text()));
      }
      UpstreamLink old = link;
      link = fresh;
      if (old != null) {
        old.close();
        cutOffPartialAnswers();
      }
      // Whatever was owed an answer is in the restored history; nothing is being answered on the new link.
      answers.conversationRestored();
      scheduleRollover();
      progress();
      return history.size();
    });
  }

  private void onEvent(UpstreamLink from, JsonNode event) {
    if (from != link) {
      return;
    }
    String type = event.path("type").asText();
    switch (type) {
      case "conversation.item.input_audio_transcription.completed" ->
          recordTurn(new Turn(event.path("item_id").asText(), Turn.USER, event.path("transcript").asText()));
      case "response.output_audio_transcript.done" -> finishAnswer(event.path("item_id").asText(),
          event.path("transcript").asText());
      case "response.output_text.done" -> finishAnswer(event.path("item_id").asText(), event.path("text").asText());
      case "response.output_audio_transcript.delta", "response.output_text.delta" -> {
        partialAnswers.delta(event.path("item_id").asText(), event.path("delta").asText());
        UpstreamEventTranslator.toClient(event).ifPresent(this::toClient);
      }
      case "conversation.item.added" -> answers.itemAdded(event.path("item").path("id").asText());
      case "response.created" -> answers.responseCreated();
      case "response.done" -> {
        cutOffPartialAnswers();
        answers.responseDone(event.path("response").path("status").asText("completed"));
        UpstreamEventTranslator.toClient(event).ifPresent(this::toClient);
      }
      case "error" -> {
        String code = event.path("error").path("code").asText();
        LOG.warn("[Relay] upstream error for {}: {}", sessionId(), code);
        String refused = RealtimeClientEvents.itemRefusedBy(event.path("error").path("event_id").asText(null));
        if (refused != null) {
          answers.refused(refused);
        }
        UpstreamEventTranslator.toClient(event).ifPresent(this::toClient);
      }
      case "response.output_audio.delta" -> {
        // Written differently from what AudioDeltas expects (spacing): still audio, if it is base64.
        String delta = event.path("delta").asText();
        if (AudioDeltas.isBase64(delta)) {
          onAudio(from, delta);
        } else {
          LOG.warn("[Relay] an audio delta for {} that is not base64 was dropped", sessionId());
        }
      }
      default -> UpstreamEventTranslator.toClient(event).ifPresent(this::toClient);
    }
    switch (type) {
      case "conversation.item.added", "response.done", "error", "input_audio_buffer.speech_stopped",
           "input_audio_buffer.cleared" -> progress();
      default -> { }
    }
    if (rolloverDue && ("response.done".equals(type) || "input_audio_buffer.speech_stopped".equals(type))) {
      vertx.runOnContext(v -> tryRollover());
    }
  }

  /** Audio is live: it goes straight to the client and is never stored or replayed. */
  private void onAudio(UpstreamLink from, String base64Pcm) {
    if (from == link) {
      toClientLive(ServerEvents.audio(base64Pcm));
    }
  }

  private void finishAnswer(String itemId, String text) {
    partialAnswers.done(itemId);
    recordTurn(new Turn(itemId, Turn.ASSISTANT, text));
  }

  /**
   * Answers that stopped before their transcript was finished become turns with the text the client has,
   * marked interrupted, so the client's transcript and the history agree and nothing stays half-drawn.
   */
  private void cutOffPartialAnswers() {
    for (Turn turn : partialAnswers.cutOff()) {
      recordTurn(turn, ServerEvents.transcriptInterrupted(turn.itemId(), turn.text()), 0);
    }
  }

  private void recordTurn(Turn turn) {
    recordTurn(turn, 0);
  }

  /** A finished turn: its event and the turn itself are stored in one transaction by the session service. */
  private void recordTurn(Turn turn, long clientSeq) {
    recordTurn(turn, ServerEvents.transcriptDone(turn.role(), turn.itemId(), turn.text()), clientSeq);
  }

  private void recordTurn(Turn turn, String doneEvent, long clientSeq) {
    state.addTurn(turn);
    if (!outbox.emitTurn(doneEvent, turn, clientSeq)) {
      giveUpUnstored();
    }
  }

  private void onLost(UpstreamLink lost) {
    if (lost != link || closed) {
      return;
    }
    link = null;
    cutOffPartialAnswers();
    cancelRollover();
    reconnect();
  }

  private void reconnect() {
    reconnectAttempt++;
    if (reconnectAttempt > config.reconnectAttempts()) {
      LOG.error("[Relay] upstream of {} could not be reopened after {} attempts", sessionId(),
          config.reconnectAttempts());
      toClient(ServerEvents.error("upstream_unavailable",
          "The AI service cannot be reached. Your progress is saved; try again later."),
          CloseCode.TRY_AGAIN_LATER.code());
      close(true);
      return;
    }
    toClient(ServerEvents.upstreamReconnecting(reconnectAttempt));
    long delay = Math.min(MAX_RECONNECT_DELAY_MS, config.reconnectBaseDelayMs() << (reconnectAttempt - 1));
    vertx.setTimer(delay, t -> {
      if (closed) {
        return;
      }
      connectLink()
          .onSuccess(restored -> {
            LOG.info("[Relay] upstream of {} reopened, {} turns restored", sessionId(), restored);
            reconnectAttempt = 0;
            toClient(ServerEvents.upstreamRestored("dropped", restored));
          })
          .onFailure(e -> {
            LOG.warn("[Relay] reopening upstream of {} failed: {}", sessionId(), e.toString());
            if (!closed) {
              reconnect();
            }
          });
    });
  }

  private void scheduleRollover() {
    cancelRollover();
    rolloverDue = false;
    long due = config.upstreamMaxSessionMs() - config.rolloverMarginMs();
    long forced = config.upstreamMaxSessionMs() - config.rolloverMarginMs() / 4;
    rolloverTimer = vertx.setTimer(due, t -> {
      rolloverTimer = -1;
      rolloverDue = true;
      tryRollover();
    });
    forcedRolloverTimer = vertx.setTimer(forced, t -> {
      forcedRolloverTimer = -1;
      rolloverDue = true;
      rollover();
    });
  }

  private void cancelRollover() {
    if (rolloverTimer >= 0) {
      vertx.cancelTimer(rolloverTimer);
      rolloverTimer = -1;
    }
    if (forcedRolloverTimer >= 0) {
      vertx.cancelTimer(forcedRolloverTimer);
      forcedRolloverTimer = -1;
    }
  }

  private void tryRollover() {
    if (rolloverDue && link != null && link.quiet()) {
      rollover();
    }
  }

  /** Moves to a fresh upstream session before the current one hits its time limit. */
  private void rollover() {
    if (closed || switching || link == null) {
      return;
    }
    switching = true;
    connectLink()
        .onSuccess(restored -> {
          switching = false;
          LOG.info("[Relay] upstream of {} rolled over, {} turns restored", sessionId(), restored);
          toClient(ServerEvents.upstreamRestored("rollover", restored));
        })
        .onFailure(e -> {
          switching = false;
          LOG.warn("[Relay] rollover of {} failed, retrying: {}", sessionId(), e.toString());
          if (!closed) {
            vertx.setTimer(1_000, t -> rollover());
          }
        });
  }

  private void toClient(String json) {
    toClient(json, 0);
  }

  /**
   * An event the client must not miss, by its kind ({@link EventKind}): a durable one is numbered and stored
   * first, then delivered; a transient one is numbered here, kept in the ring and delivered at once.
   */
  private void toClient(String json, int closeCode) {
    if (closeCode == 0 && EventKind.of(json) == EventKind.TRANSIENT) {
      toClientLive(transients.add(json));
    } else {
      if (!outbox.emit(json, closeCode)) {
        giveUpUnstored();
      }
    }
  }

  /**
   * The session service has been unreachable so long that the most events an outbox holds wait to be
   * stored: the conversation cannot be kept, so it stops here (no billable upstream runs on unsaved). The
   * client is told at once (1013, retryable); what waits is still stored once the service is back.
   */
  private void giveUpUnstored() {
    if (closed) {
      return;
    }
    LOG.error("[Relay] closing upstream of {}: its events cannot be stored", sessionId());
    toGateway(ServerEvents.error("unavailable", "The conversation cannot be saved right now; reconnect in a moment."),
        CloseCode.TRY_AGAIN_LATER.code());
    close(true);
  }

  /** Stamped events, in order, to the gateway holding the client; stored, so a client away gets them later. */
  private void deliver(List<String> stamped, int closeCode) {
    for (String event : stamped) {
      transients.durableReleased(Sequenced.seqOf(event));
    }
    for (int i = 0; i < stamped.size(); i++) {
      toGateway(stamped.get(i), i == stamped.size() - 1 ? closeCode : 0);
    }
  }

  private void toClientLive(String json) {
    toGateway(json, 0);
  }

  /** One event to the gateway holding the client, then a close if {@code closeCode} is not 0; none if away. */
  private void toGateway(String json, int closeCode) {
    if (gatewayAddress != null) {
      vertx.eventBus().send(gatewayAddress, new ToClient(sessionId(), json, closeCode));
    }
  }
}
