package io.voxrelay.relay;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.ClientControl;
import io.voxrelay.common.bus.EventOutbox;
import io.voxrelay.common.bus.LiveSenders;
import io.voxrelay.common.bus.SessionControlReply;
import io.voxrelay.common.bus.ToClient;
import io.voxrelay.common.bus.Turn;
import io.voxrelay.common.protocol.EventKind;
import io.voxrelay.common.protocol.NumberedEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * The relay's way to one session's client: which gateway instance and connection it is on, and how each
 * event reaches it by its kind ({@link EventKind}). A durable event is numbered and stored first (the
 * {@link EventOutbox}), then delivered; a transient one is numbered here, kept in the {@link TransientRing}
 * and delivered at once; a live one (audio) goes straight out. While no client is attached, nothing is sent:
 * it gets what it missed by replay. Confined to the relay's event loop.
 */
final class ClientFeed {

  private final Vertx vertx;
  private final String sessionId;
  private final String relayNode;
  private final EventOutbox outbox;
  private final TransientRing transients;
  private final LiveSenders toGateways;
  private String gatewayAddress;
  private String connectionId;

  /**
   * @param relayNode the relay sending: its events reach the client only while its gateway routes the session there
   * @param epoch      the relay's claim of the session, stamped on every batch it stores
   * @param toGateways the relay instance's live sends, shared by its sessions: a live event is dropped while the
   *                   bus to the client's gateway is backed up
   */
  ClientFeed(Vertx vertx, String sessionId, String relayNode, long busTimeoutMs, LongSupplier epoch,
             TransientRing transients, LiveSenders toGateways) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.relayNode = relayNode;
    this.transients = transients;
    this.toGateways = toGateways;
    this.outbox = new EventOutbox(vertx, sessionId, busTimeoutMs, epoch, this::deliver);
  }

  /** Runs once when the store refuses this relay's events: another relay claimed the session since. */
  void onFenced(Runnable callback) {
    outbox.onFenced(callback);
  }

  /** Whether every event sent so far is stored (none waits in the outbox). */
  boolean drained() {
    return outbox.drained();
  }

  /**
   * The client is (again) on gateway instance {@code gatewayNode} as {@code connection}, with every event up
   * to {@code afterSeq}. Returns the transient events it missed, from the ring.
   */
  TransientRing.Replay attach(String gatewayNode, String connection, long afterSeq) {
    transients.observe(afterSeq);
    gatewayAddress = gatewayNode == null ? null : Addresses.gatewayNode(gatewayNode);
    connectionId = connection;
    return transients.after(afterSeq);
  }

  /** The client on {@code connection} left; ignored when a newer connection has attached since. */
  boolean detach(String connection) {
    if (!connection.equals(connectionId)) {
      return false;
    }
    gatewayAddress = null;
    connectionId = null;
    return true;
  }

  /** The bus address of the gateway the client is on, or null while none is attached. */
  String gatewayAddress() {
    return gatewayAddress;
  }

  /** The relay lost the session: nothing more goes to its client from here. */
  void detachAll() {
    gatewayAddress = null;
    connectionId = null;
  }

  /** The client connection events go to now, or null while none is attached. */
  String connectionId() {
    return connectionId;
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
   * An event the client must not miss, by its kind, then a close if {@code closeCode} is not 0.
   *
   * @return false when it could not even be queued for storing ({@link EventOutbox#MAX_QUEUED} wait)
   */
  boolean send(String json, int closeCode) {
    if (closeCode == 0 && EventKind.of(json) == EventKind.TRANSIENT) {
      NumberedEvent numbered = transients.add(json);
      if (numbered == null) {
        live(json);
      } else {
        toGateway(ToClient.numbered(sessionId, numbered, 0, relayNode));
      }
      return true;
    }
    return outbox.emit(json, closeCode);
  }

  /**
   * A finished turn's event and the turn itself, stored in one transaction (with the client cursor moved to
   * {@code clientSeq}, a typed turn's seq, if not 0), then delivered.
   */
  boolean sendTurn(String doneEvent, Turn turn, long clientSeq) {
    return outbox.emitTurn(doneEvent, turn, clientSeq);
  }

  /**
   * A client's control, stored after every event sent before it with its own event and the client cursor
   * ({@link EventOutbox#emitControl}); its event is delivered, then the client closed with {@code closeCode} if
   * not 0.
   */
  Future<SessionControlReply> sendControl(ClientControl control, int closeCode) {
    return outbox.emitControl(control, closeCode);
  }

  /**
   * A live event (audio): straight to the client, never stored or replayed; dropped while the bus to the client's
   * gateway is backed up ({@link LiveSenders}).
   */
  void live(String json) {
    if (gatewayAddress != null) {
      toGateways.trySend(gatewayAddress, ToClient.live(sessionId, json, 0, relayNode));
    }
  }

  /** A live event and then a close, to the client alone: for when nothing can be stored. */
  void liveThenClose(String json, int closeCode) {
    toGateway(ToClient.live(sessionId, json, closeCode, relayNode));
  }

  /** Numbered events, once stored, in order to the client; they are stored, so a client away gets them later. */
  private void deliver(List<NumberedEvent> events, int closeCode) {
    for (NumberedEvent event : events) {
      transients.durableReleased(event.seq());
    }
    for (int i = 0; i < events.size(); i++) {
      toGateway(ToClient.numbered(sessionId, events.get(i), i == events.size() - 1 ? closeCode : 0, relayNode));
    }
  }

  private void toGateway(ToClient event) {
    if (gatewayAddress != null) {
      vertx.eventBus().send(gatewayAddress, event);
    }
  }
}
