package io.voxrelay.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxrelay.common.json.Json;
import io.voxrelay.common.net.BoundedWrites;
import io.voxrelay.common.net.WriteBounds;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One upstream WebSocket, i.e. one upstream model session. A relay session outlives its links: a drop or a
 * rollover replaces the link ({@link LinkSupervisor}), not the session. The link reads each event once into
 * an {@link UpstreamEvent} and keeps its {@link LinkActivity}.
 */
final class UpstreamLink implements LinkSupervisor.Link, UpstreamChannel {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamLink.class);
  /** Frames held while the relay may not act, at most: a paused socket delivers only those already on their way. */
  private static final int MAX_HELD = 256;

  private final WebSocket socket;
  private final BoundedWrites writes;
  private final Consumer<UpstreamLink> onLost;
  private final String sessionId;
  private final LinkActivity activity = new LinkActivity();
  private boolean closedByRelay;
  /** Whether the relay may act on this session now ({@link RelayLease}); while not, nothing is sent. */
  private final BooleanSupplier mayAct;
  /** The socket is paused because the relay may not act: {@link #release} resumes it. */
  private boolean pausedByLease;
  /** Frames that arrived while the relay could not act, in order: the socket is paused until {@link #release}. */
  private final List<String> held = new ArrayList<>();
  private final Consumer<String> reader;
  /** Upstream links open on this node: this one counts from now until it closes, either way. */
  private final AtomicInteger openLinks;
  private boolean counted = true;
  /** This connection's id in usage reports, and when it opened and closed (epoch ms; 0 while open). */
  private final String upstreamId = "up_" + java.util.UUID.randomUUID().toString().replace("-", "");
  private final long openedAt = System.currentTimeMillis();
  private long closedAt;

  /** Where the AI's voice goes: a chunk of answer {@code itemId} (null when the upstream named none). */
  interface AudioSink {
    void audio(UpstreamLink from, String itemId, String base64Pcm);
  }

  /**
   * @param mayAct  whether the relay may act on its sessions now: while not, nothing is sent upstream, and
   *                the socket is paused with what arrived held until {@link #release}
   * @param onEvent each upstream event but audio, after the link's activity took it into account
   * @param onAudio each piece of the AI's voice (base64 PCM16)
   * @param onLost  the upstream closed or stopped reading: the link is gone
   */
  UpstreamLink(WebSocket socket, String sessionId, BooleanSupplier mayAct,
               BiConsumer<UpstreamLink, UpstreamEvent> onEvent, AudioSink onAudio,
               Consumer<UpstreamLink> onLost, AtomicInteger openLinks) {
    this.socket = socket;
    this.openLinks = openLinks;
    openLinks.incrementAndGet();
    this.sessionId = sessionId;
    this.mayAct = mayAct;
    this.writes = new BoundedWrites(socket, WriteBounds.UPSTREAM, System::currentTimeMillis, this::stoppedReading);
    this.onLost = onLost;
    this.reader = text -> {
      String audio = AudioDeltas.audioOf(text);
      if (audio != null) {
        // Most of what the upstream sends: passed on without building a JSON tree.
        onAudio.audio(this, AudioDeltas.itemOf(text), audio);
        return;
      }
      JsonNode tree;
      try {
        tree = Json.parse(text);
      } catch (Json.InvalidJsonException e) {
        LOG.warn("[Relay] unreadable upstream event for {} dropped", sessionId);
        return;
      }
      UpstreamEvent event = UpstreamEvent.of(tree);
      if (event instanceof UpstreamEvent.Audio written) {
        // Written differently from what AudioDeltas expects (spacing): still audio, if it is base64.
        if (written.base64Pcm() != null) {
          onAudio.audio(this, written.itemId(), written.base64Pcm());
        } else {
          LOG.warn("[Relay] an audio delta for {} that is not base64 was dropped", sessionId);
        }
        return;
      }
      activity.observe(event);
      onEvent.accept(this, event);
    };
    socket.textMessageHandler(text -> {
      if (!held.isEmpty() || !mayAct.getAsBoolean()) {
        // Paused: at most the frames already on their way arrive before the pause holds.
        socket.pause();
        pausedByLease = true;
        if (held.size() >= MAX_HELD) {
          LOG.warn("[Relay] upstream of {} kept sending while paused; dropping the link", sessionId);
          close();
          Vertx.currentContext().runOnContext(v -> onLost.accept(this));
          return;
        }
        held.add(text);
        return;
      }
      reader.accept(text);
    });
    socket.exceptionHandler(e -> LOG.debug("[Relay] upstream socket error for {}: {}", sessionId, e.toString()));
    socket.closeHandler(v -> {
      uncount();
      if (!closedByRelay) {
        LOG.warn("[Relay] upstream of {} closed by the other side ({})", sessionId, socket.closeStatusCode());
        onLost.accept(this);
      }
    });
  }

  /**
   * Sends a client event; nothing once the upstream stopped reading (see {@link #stoppedReading}), nor while
   * the relay may not act (its lease does not hold: it may have lost the session to another relay).
   */
  @Override
  public void send(String clientEvent) {
    if (canSend()) {
      writes.write(clientEvent);
    }
  }

  @Override
  public boolean canSend() {
    return !closedByRelay && mayAct.getAsBoolean();
  }

  /** Reads nothing more from the upstream (the session is moving to another relay). */
  void pauseReading() {
    socket.pause();
  }

  /**
   * The relay may act again: what arrived while it could not is read, in order, and the socket resumes. Nothing
   * changes for a link that never paused for that (one paused for a hand-off stays paused).
   */
  void release() {
    if (!pausedByLease) {
      return;
    }
    pausedByLease = false;
    List<String> frames = List.copyOf(held);
    held.clear();
    frames.forEach(reader);
    if (!closedByRelay) {
      socket.resume();
    }
  }

  /**
   * The upstream's socket queue stayed full past its bounds: the link counts as lost. It closes, and the
   * session opens a new one with the conversation restored.
   */
  private void stoppedReading() {
    LOG.warn("[Relay] upstream of {} stopped reading ({} audio frames dropped); replacing it", sessionId,
        writes.dropped());
    close();
    // Later, not inside the caller's own use of this link.
    Vertx.currentContext().runOnContext(v -> onLost.accept(this));
  }

  /**
   * Sends microphone audio; dropped while the upstream lags behind (audio is live, never queued).
   *
   * @return false when it was dropped
   */
  boolean sendAudio(String base64Pcm) {
    return canSend() && writes.writeDroppable(RealtimeClientEvents.inputAudioAppend(base64Pcm));
  }

  /**
   * Asks for a response, unless one is under way or already asked for: the upstream allows one at a time and
   * refuses a second with {@code conversation_already_has_active_response}.
   */
  @Override
  public boolean requestResponse(String itemId) {
    if (!canSend() || !activity.requestResponse()) {
      return false;
    }
    send(RealtimeClientEvents.responseCreate(itemId));
    return true;
  }

  @Override
  public void requestResponseAgain(String itemId) {
    if (canSend()) {
      activity.requestedAgain();
      send(RealtimeClientEvents.responseCreate(itemId));
    }
  }

  @Override
  public LinkActivity activity() {
    return activity;
  }

  @Override
  public boolean quiet() {
    return activity.quiet();
  }

  @Override
  public void close() {
    if (!closedByRelay) {
      closedByRelay = true;
      socket.close();
      uncount();
    }
  }

  private void uncount() {
    if (counted) {
      counted = false;
      closedAt = System.currentTimeMillis();
      openLinks.decrementAndGet();
    }
  }

  /** How long this connection has been open so far, for the usage reports. */
  io.voxrelay.common.bus.UsageReport.UpstreamTime time(long now) {
    return new io.voxrelay.common.bus.UsageReport.UpstreamTime(upstreamId, openedAt, closedAt > 0 ? closedAt : now);
  }

  /** Whether this connection has closed (its time is final). */
  boolean closed() {
    return closedAt > 0;
  }
}
