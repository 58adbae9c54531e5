package io.voxrelay.common.bus;

import java.util.List;

/**
 * Every event-bus address of voxrelay. Service addresses are shared by all instances of a service (the bus
 * picks one per request); node addresses belong to one running instance and are how a message reaches the
 * instance holding a given session. No address is ever registered per session.
 */
public final class Addresses {

  /** {@link CreateSession} → {@link SessionCreated}. Any session-service instance. */
  public static final String SESSION_CREATE = "voxrelay.session.create";
  /**
   * {@link ConnectSession} → {@link SessionConnected}, rotating the token; fails with
   * {@link BusFailure#UNAUTHORIZED} (unknown session, wrong, expired or used token alike) or
   * {@link BusFailure#GONE} (the interview ended).
   */
  public static final String SESSION_CONNECT = "voxrelay.session.connect";
  /**
   * {@link BindRelay} → {@link RelayClaim}: records which relay instance holds the upstream, under a fencing
   * epoch that every grant raises.
   */
  public static final String SESSION_BIND_RELAY = "voxrelay.session.bind-relay";

  /**
   * {@link RenewLease} → {@link LeaseGrant}: a relay node's once-a-second lease renewal. A session's claim is
   * valid while its relay node's lease is.
   */
  public static final String SESSION_RELAY_LEASE = "voxrelay.session.relay-lease";

  /**
   * {@link FindLiveRelays} → {@link LiveRelays}: the relay nodes whose lease is valid now. Gateways ask twice a
   * second: they open sessions at these nodes, and move a session off a relay that is not listed.
   */
  public static final String SESSION_LIVE_RELAYS = "voxrelay.session.live-relays";

  /** {@link CheckClaims} → {@link LostClaims}: a relay's check, under a new lease, that it still holds its sessions. */
  public static final String SESSION_CHECK_CLAIMS = "voxrelay.session.check-claims";

  /**
   * {@link SessionControlRequest} → {@link SessionControlReply}: applies a client's control to the state of a
   * session no relay holds (a session with a relay gets its controls through it: {@link RelayControlRequest}).
   */
  public static final String SESSION_CONTROL = "voxrelay.session.control";

  /** {@link UpstreamClosed} → empty reply: the session now awaits resume. */
  public static final String SESSION_UPSTREAM_CLOSED = "voxrelay.session.upstream-closed";

  /**
   * {@link ActivityBatch}, no reply: the heartbeats, acknowledgements and forwarded audio of many sessions, at
   * most once a second per node (the session service's idle and heartbeat limits, and acked events).
   */
  public static final String SESSION_ACTIVITY = "voxrelay.session.activity";
  /** {@link FindExpired} → {@link ExpiredSessions}: one indexed query per limit, whatever the number of sessions. */
  public static final String SESSION_FIND_EXPIRED = "voxrelay.session.find-expired";
  /**
   * {@link TerminateSessions} → {@link TerminatedSessions}: each session is claimed exactly once across the
   * cluster, its state persisted, its client told and its upstream closed.
   */
  public static final String SESSION_TERMINATE = "voxrelay.session.terminate";

  /**
   * {@link EmitEvents} → {@link EmittedEvents}: numbers and stores events for delivery and replay, and appends
   * the finished turns that travel with them to the history (or applies the client control the batch carries),
   * in one transaction.
   */
  public static final String SESSION_EMIT = "voxrelay.session.emit";
  /** {@link StoreAnnounce}, published to every session-service instance: the store an instance uses. */
  public static final String SESSION_STORE_ANNOUNCE = "voxrelay.session.store-announce";
  /** {@link ReplayRequest} → {@link Replay}: the stored events after a seq, to fill a gap. */
  public static final String SESSION_REPLAY = "voxrelay.session.replay";
  /** {@link UsageBatch} → empty reply, retried until acknowledged: what a relay's upstreams of sessions cost. */
  public static final String SESSION_USAGE = "voxrelay.session.usage";
  /** {@link ClientDisconnected} → empty reply: a connected client's socket closed. */
  public static final String SESSION_DISCONNECTED = "voxrelay.session.disconnected";
  /** {@link ConfirmConnection} → empty reply: the client got its new resume token. */
  public static final String SESSION_CONFIRM = "voxrelay.session.confirm";
  /** {@link GetSession} → {@link SessionSnapshot}. */
  public static final String SESSION_GET = "voxrelay.session.get";
  /** {@link GetTranscript} → {@link TranscriptPage}: a page of the whole history; fails 404 for no session. */
  public static final String SESSION_TRANSCRIPT = "voxrelay.session.transcript";
  /** {@link DescribeSession} → {@link SessionStatus} (the session API); fails 404 for no session. */
  public static final String SESSION_DESCRIBE = "voxrelay.session.describe";
  /** {@link ListSessions} → {@link SessionList}: a page of sessions by state, read through an index. */
  public static final String SESSION_LIST = "voxrelay.session.list";
  /** {@link UpdateSession} → {@link SessionStatus}: the app backend's metadata; fails 404 for no session. */
  public static final String SESSION_UPDATE = "voxrelay.session.update";
  /** {@link EndSession} → {@link SessionStatus}: ends the interview with its client told; fails 404 for no session. */
  public static final String SESSION_END = "voxrelay.session.end";
  /** {@link DeleteSession} → empty: ends the session if live, then erases its rows; fails 404 for no session. */
  public static final String SESSION_DELETE = "voxrelay.session.delete";

  /** {@link OpenAbandoned}, published to every relay instance: a gateway gave up on an open. */
  public static final String RELAY_OPEN_ABANDONED = "voxrelay.relay.open-abandoned";

  private static final String RELAY_NODE_PREFIX = "voxrelay.relay.node.";
  private static final String GATEWAY_NODE_PREFIX = "voxrelay.gateway.node.";
  private static final String SESSION_NODE_PREFIX = "voxrelay.session.node.";

  private Addresses() {
  }

  /** The address of one relay instance: {@link RelayCommand}s for the sessions it holds. */
  public static String relayNode(String nodeId) {
    return RELAY_NODE_PREFIX + nodeId;
  }

  /** The address of one session-service instance: answers to its {@link StoreAnnounce}. */
  public static String sessionNode(String nodeId) {
    return SESSION_NODE_PREFIX + nodeId;
  }

  /** The address of one gateway instance: {@link GatewayCommand}s for the clients it holds. */
  public static String gatewayNode(String nodeId) {
    return GATEWAY_NODE_PREFIX + nodeId;
  }

  /** The kind of {@code address}, for figures: a node's address without its node id (e.g. {@code voxrelay.relay.node.*}). */
  public static String kindOf(String address) {
    for (String prefix : List.of(RELAY_NODE_PREFIX, GATEWAY_NODE_PREFIX, SESSION_NODE_PREFIX)) {
      if (address.startsWith(prefix)) {
        return prefix + "*";
      }
    }
    return address.startsWith("voxrelay.") ? address : "other";
  }
}
