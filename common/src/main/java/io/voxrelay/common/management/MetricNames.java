package io.voxrelay.common.management;

/**
 * The name of every voxrelay figure, in Micrometer's dotted form: Prometheus shows {@code voxrelay.audio.frames}
 * as {@code voxrelay_audio_frames_total} (a counter) and a timer as {@code _seconds}. None has a per-session
 * label. {@code docs/operations.md} lists them with their meaning.
 */
public final class MetricNames {

  private MetricNames() {
  }

  // session service
  /** Gauge, tag {@code state} (live, awaiting_resume, terminated, ended): sessions in the store, every 15 s. */
  public static final String SESSIONS = "voxrelay.sessions";
  /** Counter, tag {@code reason}: sessions terminated (the seed's alerting: heartbeat, idle, age). */
  public static final String TERMINATIONS = "voxrelay.terminations";
  /** Timer, tag {@code queue} (read, write): a store operation, from its submission to its end. */
  public static final String STORE_LATENCY = "voxrelay.store.latency";

  /** Counter: lifecycle webhooks delivered (a 2xx from the receiver). */
  public static final String WEBHOOKS_DELIVERED = "voxrelay.webhooks.delivered";
  /** Counter: webhook delivery attempts that failed (an error status, a timeout, no connection); retried. */
  public static final String WEBHOOK_ATTEMPTS_FAILED = "voxrelay.webhooks.attempts.failed";
  /** Counter, tag {@code reason} (expired, overflow): webhooks dropped undelivered, past the age or count bound. */
  public static final String WEBHOOKS_DROPPED = "voxrelay.webhooks.dropped";
  /** Gauge: webhooks waiting for delivery, as the delivering instance last counted them. */
  public static final String WEBHOOKS_QUEUED = "voxrelay.webhooks.queued";

  // watchdog
  /** Gauge: live sessions (connected, not ended, not awaiting resume) at the last sweep. */
  public static final String SESSIONS_ACTIVE = "voxrelay.sessions.active";
  /** Timer: one watchdog sweep, from its query to the terminations it ordered. */
  public static final String WATCHDOG_SWEEP = "voxrelay.watchdog.sweep";

  // gateway
  /** Counter: clients that came back to a session they had (a reconnect with the resume token). */
  public static final String RESUMES = "voxrelay.resumes";
  /** Counter: replays delivered to clients (on reconnect, or to fill a gap). */
  public static final String REPLAYS = "voxrelay.replays";
  /** Counter, tag {@code kind} (durable, transient): replays that had lost events ({@code replay.truncated}). */
  public static final String REPLAY_TRUNCATIONS = "voxrelay.replay.truncations";
  /** Counter, tag {@code direction} (in: from clients, out: to clients): audio frames. */
  public static final String AUDIO_FRAMES = "voxrelay.audio.frames";
  /** Counter, tag {@code direction}: PCM16 bytes those frames carried. */
  public static final String AUDIO_BYTES = "voxrelay.audio.bytes";
  /**
   * Counter, tag {@code direction}: audio frames dropped (in, at a gateway: over a client's rate, or while the bus
   * to the session's relay is backed up; out: at a gateway, to a client that does not read, by backpressure; at a
   * relay, while the bus to the client's gateway is backed up).
   */
  public static final String AUDIO_DROPPED = "voxrelay.audio.frames.dropped";

  // relay
  /** Gauge: upstream connections open now. */
  public static final String UPSTREAM_OPEN = "voxrelay.upstream.connections.open";
  /** Gauge: typed turns waiting at this relay node to enter their conversation (behind an answer, a tool call). */
  public static final String TYPED_TURNS_WAITING = "voxrelay.turns.typed.waiting";
  /** Gauge: how long the oldest typed turn waiting at this relay node has waited, in seconds (0: none waits). */
  public static final String TYPED_TURN_LONGEST_WAIT = "voxrelay.turns.typed.longest.wait.seconds";
  /** Counter: upstream connections opened. */
  public static final String UPSTREAM_OPENED = "voxrelay.upstream.connections.opened";
  /** Counter: upstream connections that failed to open. */
  public static final String UPSTREAM_FAILED = "voxrelay.upstream.connections.failed";
  /** Counter: reconnection attempts after an upstream dropped. */
  public static final String UPSTREAM_RECONNECTS = "voxrelay.upstream.reconnects";
  /** Counter: moves to a fresh upstream session before the upstream's session limit. */
  public static final String UPSTREAM_ROLLOVERS = "voxrelay.upstream.rollovers";

  /** Counter, tag {@code kind} (input, output, cached, input_audio, output_audio): tokens the upstream billed. */
  public static final String USAGE_TOKENS = "voxrelay.usage.tokens";
  /** Responses the upstream's rate limit refused (each waited out before the relay asked again). */
  public static final String UPSTREAM_RATE_LIMITED = "voxrelay.upstream.rate.limited";
  /** What the upstream's latest {@code rate_limits.updated} left, by {@code limit} ({@code requests}, {@code tokens}). */
  public static final String UPSTREAM_RATE_LIMIT_REMAINING = "voxrelay.upstream.rate.limit.remaining";

  // every service
  /** Timer, tags {@code address} (the kind of address: node addresses lose their node id) and {@code outcome}. */
  public static final String BUS_REQUEST = "voxrelay.bus.request";
}
