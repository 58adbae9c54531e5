package io.voxrelay.common.bus;

import io.vertx.core.Vertx;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/** Registers the codecs of every event-bus record. Every process calls it once per Vert.x instance. */
public final class BusCodecs {

  static final List<Class<? extends Record>> RECORDS = List.of(
      CreateSession.class, SessionCreated.class, ConnectSession.class, SessionSnapshot.class, BindRelay.class,
      OpenUpstream.class, UpstreamOpened.class, ClientAudio.class, ClientDetached.class, ToClient.class,
      SessionControlRequest.class, RelayControlRequest.class, UpstreamClosed.class, SessionConnected.class,
      ActivityBatch.class, FindExpired.class, ExpiredSessions.class, TerminateSessions.class, TerminatedSessions.class,
      TerminateUpstream.class, EmitEvents.class, EmittedEvents.class, ReplayRequest.class, Replay.class,
      ConfirmConnection.class, ConnectionReplaced.class, GetSession.class, SessionControlReply.class,
      GetTranscript.class, TranscriptPage.class,
      OpenAbandoned.class, DurableReleased.class, RelayClaim.class, UpstreamHeldElsewhere.class,
      CheckClaims.class, LostClaims.class, StoreAnnounce.class, RelayLeaving.class, DescribeSession.class,
      SessionStatus.class, ListSessions.class, SessionList.class, UpdateSession.class, EndSession.class,
      DeleteSession.class,
      ClientDisconnected.class, UsageBatch.class, PlaybackTruncated.class,
      RenewLease.class, LeaseGrant.class, FindLiveRelays.class, LiveRelays.class,
      ClientHeartbeats.class, NotHeld.class);

  private static final Set<Vertx> REGISTERED = Collections.newSetFromMap(new WeakHashMap<>());

  private BusCodecs() {
  }

  /** Idempotent: several verticles of one Vert.x instance may each call it. */
  public static synchronized void register(Vertx vertx) {
    if (!REGISTERED.add(vertx)) {
      return;
    }
    for (Class<? extends Record> type : RECORDS) {
      if (type == ClientAudio.class) {
        vertx.eventBus().registerDefaultCodec(ClientAudio.class, new HotPathCodecs.ClientAudioCodec());
      } else if (type == ToClient.class) {
        vertx.eventBus().registerDefaultCodec(ToClient.class, new HotPathCodecs.ToClientCodec());
      } else {
        registerOne(vertx, type);
      }
    }
  }

  private static <T extends Record> void registerOne(Vertx vertx, Class<T> type) {
    vertx.eventBus().registerDefaultCodec(type, new RecordCodec<>(type));
  }
}
