package io.voxrelay.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.config.SimulatorConfig;
import io.voxrelay.common.config.UpstreamProvider;
import io.voxrelay.common.json.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;

import java.util.List;

/**
 * One simulated OpenAI Realtime (GA) session over a WebSocket: the protocol (each client event to the part that
 * handles it), its faults, and what tests inspect. Its jobs are parts of their own: the socket and its records
 * ({@link SessionWire}), the configuration ({@link SessionSettings}), the input buffer and VAD
 * ({@link InputAudio}), the conversation ({@link Conversation}), responses ({@link SimulatedResponses}), billing
 * ({@link SessionBilling}) and rate limits ({@link SimulatedRateLimits}). Runs on the simulator's event loop; the
 * inspection getters may be called from any thread.
 */
public final class SimulatedSession {

  /** A user turn with these words has its first response refused for the rate limit (for tests). */
  public static final String RATE_LIMIT_TRIGGER = SimulatedRateLimits.TRIGGER;

  private final Vertx vertx;
  private final ServerWebSocket socket;
  private final HttpConnection connection;
  private final SimulatorConfig config;
  private final String id = SessionWire.newId("sess_");
  private final UpstreamProvider provider;
  private final String model;
  private final String credential;
  private final long maxSessionMs;
  private final SessionWire wire;
  private final SessionSettings settings;
  private final Conversation conversation;
  private final SessionBilling billing;
  private final SimulatedResponses responses;
  private final InputAudio input;
  private final long expiryTimer;
  private final long openedAt = System.nanoTime();
  private volatile long closedAt = Long.MAX_VALUE;

  SimulatedSession(Vertx vertx, ServerWebSocket socket, HttpConnection connection, SimulatorConfig config,
                   UpstreamProvider provider, String model, String credential) {
    this.vertx = vertx;
    this.socket = socket;
    this.connection = connection;
    this.config = config;
    this.provider = provider;
    this.model = model;
    this.credential = credential;
    this.maxSessionMs = config.maxSessionMs(provider);
    this.wire = new SessionWire(socket::writeTextMessage, id, config.recordedEvents());
    EnergyVad vad = new EnergyVad(0.5, 500);
    this.settings = new SessionSettings(wire, vad, id, model,
        System.currentTimeMillis() / 1000 + maxSessionMs / 1000);
    this.conversation = new Conversation(wire);
    this.billing = new SessionBilling(conversation, config.recordedEvents());
    String conversationId = SessionWire.newId("conv_");
    this.responses = new SimulatedResponses(vertx, config.responseAudioMs(), wire, settings, conversation, billing,
        new SimulatedRateLimits(wire, conversationId), conversationId);
    this.input = new InputAudio(wire, settings, conversation, responses, vad);
    socket.textMessageHandler(this::onText);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> { });
    expiryTimer = vertx.setTimer(maxSessionMs, t -> expire());
  }

  /**
   * Greets the client with {@code session.created}. Called once the simulator lists this session, so a client
   * that saw the greeting always finds the session in {@link UpstreamSimulator#sessions()}.
   */
  void start() {
    wire.emit(wire.event("session.created").set("session", settings.copy()));
  }

  // ---- inspection -------------------------------------------------------------------------------------

  public String id() {
    return id;
  }

  public String model() {
    return model;
  }

  /** Whether the handshake carried an {@code Authorization: Bearer} header. */
  /** Which provider's path the session was opened on. */
  public UpstreamProvider provider() {
    return provider;
  }

  /** How the client authenticated: {@code bearer}, {@code api-key} (Azure only), or {@code none}. */
  public String credential() {
    return credential;
  }

  public boolean authorized() {
    return !"none".equals(credential);
  }

  public boolean isOpen() {
    return wire.isOpen();
  }

  /** When the connection opened and closed ({@link System#nanoTime()}; closed is MAX_VALUE while open). */
  public long openedAtNanos() {
    return openedAt;
  }

  public long closedAtNanos() {
    return closedAt;
  }

  /** The instructions the client configured, which identify the voxrelay session in tests. */
  public String instructions() {
    return settings.instructions();
  }

  /** The client's events, oldest first (the last {@link SimulatorConfig#recordedEvents()}; audio without samples). */
  public List<JsonNode> receivedEvents() {
    return wire.receivedEvents();
  }

  /** The events sent, oldest first (the last {@link SimulatorConfig#recordedEvents()}; audio without samples). */
  public List<JsonNode> emittedEvents() {
    return wire.emittedEvents();
  }

  public List<String> receivedTypes() {
    return receivedEvents().stream().map(e -> e.path("type").asText()).toList();
  }

  public List<ConversationItem> items() {
    return conversation.items();
  }

  public long audioBytesReceived() {
    return input.bytesReceived();
  }

  public int responsesCreated() {
    return responses.created();
  }

  /** The effective session configuration, as the last {@code session.updated} reported it. */
  public JsonNode sessionConfig() {
    return settings.copy();
  }

  /** The truncations this session carried out, oldest first. */
  public List<SpokenItems.Truncation> truncations() {
    return conversation.truncations();
  }

  /** The usage of every response this session finished, as reported in its {@code response.done}. */
  public List<JsonNode> billedUsage() {
    return billing.billed();
  }

  // ---- fault injection -----------------------------------------------------------------------------

  /**
   * Drops the connection as an upstream failure would: the transport closes under the session, which the
   * client sees as an abnormal close (1011, or 1006 where the close frame is lost).
   */
  public void drop() {
    vertx.runOnContext(v -> socket.close((short) 1011, "simulated upstream failure").onComplete(r -> connection.close()));
  }

  /** Sends an {@code error} event with the given GA error fields. */
  public void injectError(String type, String code, String message) {
    vertx.runOnContext(v -> wire.error(type, code, message, null, null));
  }

  // ---- protocol ------------------------------------------------------------------------------------

  private void onText(String text) {
    JsonNode event;
    try {
      event = Json.parse(text);
    } catch (Json.InvalidJsonException e) {
      wire.error("invalid_request_error", "invalid_json", "The event could not be parsed as JSON.", null, null);
      return;
    }
    wire.received(event);
    String clientEventId = event.path("event_id").isTextual() ? event.path("event_id").asText() : null;
    switch (event.path("type").asText()) {
      case "session.update" -> settings.update(event, clientEventId);
      case "input_audio_buffer.append" -> input.append(event, clientEventId);
      case "input_audio_buffer.commit" -> input.commit(clientEventId);
      case "input_audio_buffer.clear" -> input.clear();
      case "conversation.item.create" -> conversation.create(event, clientEventId);
      case "response.create" -> responses.create(event, clientEventId);
      case "response.cancel" -> responses.cancel(clientEventId);
      case "conversation.item.truncate" -> conversation.truncate(event, clientEventId);
      default -> wire.error("invalid_request_error", "unknown_event_type",
          "Invalid value: '" + event.path("type").asText() + "'. Unsupported event type.", "type", clientEventId);
    }
  }

  private void expire() {
    wire.error("invalid_request_error", "session_expired",
        "Your session hit the maximum duration of " + maxSessionMs / 60_000 + " minutes.", null, null);
    socket.close((short) 1001, "session expired");
  }

  private void onClosed() {
    wire.closed();
    closedAt = System.nanoTime();
    vertx.cancelTimer(expiryTimer);
    responses.close();
  }
}
