// The voxrelay browser client: one interview session over one WebSocket, kept alive across drops.
// Dependency-free ES module; the JSDoc types are checked with `tsc --noEmit --checkJs`.

import { MessageQueue, ServerPosition } from './delivery.js';
import { defaultBeacon, reportDisconnect } from './diagnostics.js';
import { listenToPage } from './page-lifecycle.js';
import {
  DEFAULT_POLICY,
  REFUSED_CLOSE_CODES,
  RETRYABLE_CLOSE_CODES,
  SESSION_OVER_CLOSE_CODES,
  reconnectDelay,
  retryableCloseCodes,
  shouldAutoResumeCapture,
  shouldReconnect,
  shouldSendResume,
} from './reconnect.js';
import { SavedSession, safeSessionStorage } from './session-storage.js';
import { Transcript } from './transcript.js';
import { Transport } from './transport.js';

export { rememberSession, rememberedSession } from './session-storage.js';

/** @typedef {import('./reconnect.js').ReconnectPolicy} ReconnectPolicy */

/**
 * @typedef {'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed'} ConnectionState
 */

/**
 * Where audio goes in and out. The browser one is in `audio.js`; tests use a fake.
 * @typedef {Object} AudioBackend
 * @property {(onChunk: (base64Pcm: string) => void) => Promise<boolean>} startCapture
 *   starts the microphone (a no-op if already capturing); resolves false if it cannot start
 * @property {() => void} stopCapture stops the microphone; safe to call any number of times
 * @property {(base64Pcm: string, chunk?: {itemId: string, offsetMs: number}) => void} play queues a chunk
 *   of the AI's voice: of answer `itemId`, `offsetMs` into its audio
 * @property {() => (import('./playback.js').Cut | null | void)} stopPlayback cuts the AI's voice (the user
 *   started speaking); returns the answer cut short and how much of it was played, if one was playing
 */

/** @typedef {import('./transcript.js').Turn} Turn */

/**
 * @typedef {Object} ClientOptions
 * @property {string} sessionId
 * @property {string} token the session's client token, or its latest resume token
 * @property {string} [url] the WebSocket URL; default: this page's host, `/v1/sessions/{id}/ws`
 * @property {typeof WebSocket} [WebSocket]
 * @property {AudioBackend} [audio]
 * @property {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null} [storage] keeps the resume token and
 *   the last processed seq, so a reload resumes (default: `sessionStorage`)
 * @property {EventTarget} [window] receives `online`, `pagehide`
 * @property {EventTarget & { visibilityState?: string }} [document] receives `visibilitychange`, `freeze`, `resume`
 * @property {() => number} [random]
 * @property {Partial<ReconnectPolicy>} [policy]
 * @property {string | null} [diagnosticsUrl] where unexpected closes are reported (null: nowhere)
 * @property {(url: string, body: Blob) => boolean} [sendBeacon]
 */

/** How often to send `heartbeat.ping` until `connected` gives the server's interval. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;

/**
 * A voxrelay session in the browser. Subscribe with {@link VoxrelayClient#on}; events:
 * `state` ({state, attempt, maxAttempts}), `connected` (the server's `connected`), `history` (Turn[] to redraw),
 * `transcript` (Turn), `event` (every server event), `terminated` ({reason, message}), `ended`,
 * `paused`, `resumed`, `question` ({index, question}), `textOnly` (boolean), `listening` (boolean),
 * `microphoneNeeded`, `replayTruncated`, `error` ({code, message}), `budgetWarning` ({limit, usedFraction}),
 * `playbackTruncated` ({itemId, playedMs}: the user spoke over an answer).
 */
export class VoxrelayClient {
  /** @param {ClientOptions} options */
  constructor(options) {
    this.sessionId = options.sessionId;
    this.audio = options.audio ?? null;
    this.random = options.random ?? Math.random;
    /** @type {ReconnectPolicy} */
    this.policy = { ...DEFAULT_POLICY, ...(options.policy ?? {}) };
    /** The server's constants, from `connected`; built-in values until then. */
    this.heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
    /** @type {readonly number[]} */
    this.retryable = RETRYABLE_CLOSE_CODES;
    this.diagnosticsUrl = options.diagnosticsUrl === undefined
      ? `/v1/sessions/${encodeURIComponent(options.sessionId)}/diagnostics` : options.diagnosticsUrl;
    this.sendBeacon = options.sendBeacon ?? defaultBeacon();
    this.doc = options.document ?? (typeof document === 'undefined' ? null : document);
    this.transport = new Transport(options.WebSocket ?? globalThis.WebSocket,
      options.url ?? defaultUrl(options.sessionId), {
        onEvent: (event) => this.onServerEvent(event),
        onClose: (code, reason) => this.onClose(code, reason),
      });

    this.saved = new SavedSession(options.sessionId,
      options.storage === undefined ? safeSessionStorage() : options.storage);
    const saved = this.saved.load();
    this.token = saved?.token ?? options.token;
    /** Server events processed, kept across reloads. */
    this.position = new ServerPosition(saved?.lastSeq ?? 0);
    /** Client messages not yet known to be processed. */
    this.messages = new MessageQueue();

    /** @type {ConnectionState} */
    this.state = 'disconnected';
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.reconnectTimer = null;
    /** @type {ReturnType<typeof setInterval> | null} */
    this.heartbeatTimer = null;
    this.allowReconnect = true;
    this.retryWhenOnline = false;
    this.unloading = false;
    this.listening = false;
    this.wasListening = false;
    this.paused = false;
    this.textOnly = false;
    this.awaitingResume = false;
    /** The session reached a limit of its budget: it is not resumed until the app raises the limit. */
    this.budgetExceeded = false;
    this.transcript = new Transcript();
    /** @type {Map<string, Set<(payload: any) => void>>} */
    this.handlers = new Map();

    listenToPage(options.window ?? (typeof window === 'undefined' ? null : window), this.doc, {
      online: () => {
        if (this.allowReconnect && this.retryWhenOnline && this.state === 'failed' && !this.transport.active()) {
          this.retryWhenOnline = false;
          this.scheduleReconnect();
        }
      },
      unloading: () => {
        this.unloading = true;
      },
      visible: () => this.heartbeat(),
      frozen: () => this.stopHeartbeat(),
      resumed: () => {
        if (this.state === 'connected') {
          this.heartbeat();
          this.startHeartbeat();
        }
      },
    });
  }

  /** The last server event processed. */
  get lastSeq() {
    return this.position.lastSeq;
  }

  // ---- public API ------------------------------------------------------------------------------------

  /**
   * Subscribes to an event; returns a function that unsubscribes.
   * @param {string} type
   * @param {(payload: any) => void} handler
   * @returns {() => void}
   */
  on(type, handler) {
    let set = this.handlers.get(type);
    if (!set) {
      set = new Set();
      this.handlers.set(type, set);
    }
    set.add(handler);
    return () => set?.delete(handler);
  }

  /** Connects (or connects again after a failure). */
  connect() {
    this.allowReconnect = true;
    this.clearReconnectTimer();
    this.attempt = 0;
    this.setState('connecting');
    this.open();
  }

  /** Cancels the wait before the next attempt and tries now. */
  retryNow() {
    if (this.state === 'reconnecting') {
      this.clearReconnectTimer();
      this.open();
    } else if (this.state === 'failed' && this.allowReconnect) {
      this.connect();
    }
  }

  /** Starts the microphone and sends its audio; resolves false if it cannot start. */
  async startListening() {
    if (!this.audio) {
      return false;
    }
    const started = await this.audio.startCapture((chunk) => this.sendAudio(chunk));
    this.setListening(started);
    return started;
  }

  stopListening() {
    this.audio?.stopCapture();
    this.setListening(false);
  }

  pause() {
    this.paused = true;
    this.stopListening();
    this.sendMessage({ type: 'pause_interview' });
  }

  resume() {
    this.paused = false;
    this.sendMessage({ type: 'resume_interview' });
  }

  nextQuestion() {
    this.sendMessage({ type: 'next_question' });
  }

  /** @param {string} text */
  sendText(text) {
    this.sendMessage({ type: 'text', text });
  }

  /** @param {boolean} enabled */
  setTextOnly(enabled) {
    this.textOnly = enabled;
    if (enabled) {
      this.stopListening();
    }
    this.sendMessage({ type: 'text_only', enabled });
  }

  endInterview() {
    this.allowReconnect = false;
    this.sendMessage({ type: 'end_interview' });
  }

  /** Leaves the session for good on this page: no retry. The resume token stays for a reload. */
  close() {
    this.allowReconnect = false;
    this.clearReconnectTimer();
    this.stopHeartbeat();
    this.stopListening();
    this.transport.close(1000, 'client closed');
    this.setState('disconnected');
  }

  /** @returns {Turn[]} the conversation as the client knows it: finished turns in order, then streaming ones */
  turns() {
    return this.transcript.turns();
  }

  // ---- connection --------------------------------------------------------------------------------------

  open() {
    this.transport.open(() => ({ type: 'hello', token: this.token, lastSeq: this.position.lastSeq }));
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  onClose(code, reason) {
    this.stopHeartbeat();
    const wasConnected = this.state === 'connected';
    if (wasConnected) {
      this.wasListening = this.listening;
    }
    this.stopListening();
    const terminated = SESSION_OVER_CLOSE_CODES.includes(code) || !this.allowReconnect;
    if (shouldReconnect(code, { sessionTerminated: terminated, unloading: this.unloading, retryable: this.retryable })) {
      if (wasConnected) {
        reportDisconnect(this.sendBeacon, this.diagnosticsUrl, {
          sessionId: this.sessionId, code, reason, state: this.state, visibility: this.doc?.visibilityState ?? null,
        });
      }
      this.scheduleReconnect();
    } else {
      this.clearReconnectTimer();
      this.attempt = 0;
      this.setState(REFUSED_CLOSE_CODES.includes(code) ? 'failed' : 'disconnected');
    }
  }

  scheduleReconnect() {
    const attempt = this.attempt + 1;
    if (attempt > this.policy.maxAttempts) {
      this.attempt = 0;
      // Given up, but the network coming back is worth another round (seed 000 §2.7).
      this.retryWhenOnline = true;
      this.setState('failed');
      return;
    }
    this.attempt = attempt;
    this.setState('reconnecting', attempt);
    this.clearReconnectTimer();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.open();
    }, reconnectDelay(attempt, this.policy, this.random));
  }

  clearReconnectTimer() {
    if (this.reconnectTimer !== null) {
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
    }
  }

  // ---- server events -----------------------------------------------------------------------------------

  /** @param {any} event */
  onServerEvent(event) {
    if (event.type === 'connected') {
      this.onConnected(event);
      return;
    }
    if (!this.position.accept(event.seq)) {
      return;
    }
    if (typeof event.seq === 'number') {
      this.save();
      if (this.position.ackDue()) {
        this.ack();
      }
    }
    this.emit('event', event);
    switch (event.type) {
      case 'audio':
        this.audio?.play(event.data, { itemId: event.itemId, offsetMs: event.offsetMs });
        break;
      case 'speech.started': {
        // Barge-in: the AI stops at once, and the server hears how much of its answer was heard.
        const cut = this.audio?.stopPlayback();
        if (cut) {
          this.reportCut(cut);
        }
        break;
      }
      case 'transcript.truncated':
        this.emit('transcript', this.transcript.truncated(event.itemId, event.text));
        break;
      case 'transcript.delta': {
        const turn = this.transcript.delta(event.itemId, event.role, event.delta);
        if (turn) {
          this.emit('transcript', turn);
        }
        break;
      }
      case 'transcript.done':
        this.emit('transcript', this.transcript.done(event.itemId, event.role, event.text, event.interrupted === true));
        break;
      case 'interview.paused':
        this.paused = true;
        this.emit('paused', null);
        break;
      case 'interview.resumed':
        this.paused = false;
        this.awaitingResume = false;
        this.emit('resumed', null);
        break;
      case 'question.changed':
        this.emit('question', { index: event.currentQuestionIndex, question: event.question });
        break;
      case 'text_only.changed':
        this.textOnly = event.textOnly;
        this.emit('textOnly', event.textOnly);
        break;
      case 'budget.warning':
        this.emit('budgetWarning', { limit: event.limit, usedFraction: event.usedFraction });
        break;
      case 'session.terminated':
        // The watchdog ended the session: stop everything, never retry (seed 004, seed 000 §2.6). A budget
        // ended it: the same, and no resume until the app raises the limit.
        this.budgetExceeded = event.reason === 'budget_exceeded';
        this.allowReconnect = false;
        this.clearReconnectTimer();
        this.stopListening();
        this.emit('terminated', { reason: event.reason, message: event.message });
        break;
      case 'tool.started':
      case 'tool.finished':
        this.emit('tool', {
          callId: event.callId,
          name: event.name,
          status: event.type === 'tool.started' ? 'running' : event.status,
        });
        break;
      case 'interview.ended':
        this.allowReconnect = false;
        this.clear();
        this.emit('ended', null);
        break;
      case 'replay.truncated':
        // Events were lost past the replay bound: what was still streaming may miss pieces for good, so it
        // goes; finished turns stay, merged with `connected.history`, which holds the ones that were missed.
        this.transcript.dropStreaming();
        this.emit('history', this.turns());
        this.emit('replayTruncated', event);
        break;
      case 'error':
        if (event.code === 'turn_withdrawn' && typeof event.clientSeq === 'number') {
          // The server took the typed turn back (it could not enter in time): sent again, under its seq.
          const json = this.messages.withdrawn(event.clientSeq);
          if (json !== null && this.state === 'connected') {
            this.transport.send(json);
          }
          this.emit('turnWithdrawn', { seq: event.clientSeq });
          break;
        }
        this.emit('error', { code: event.code, message: event.message });
        break;
      default:
        break;
    }
  }

  /** @param {any} event */
  async onConnected(event) {
    this.clearReconnectTimer();
    this.attempt = 0;
    this.token = event.resumeToken;
    this.save();
    // The server's own constants: how often to heartbeat, and which closes to retry after.
    if (typeof event.heartbeatIntervalMs === 'number' && event.heartbeatIntervalMs > 0) {
      this.heartbeatIntervalMs = event.heartbeatIntervalMs;
    }
    this.retryable = retryableCloseCodes(event.retryableCloseCodes);
    this.paused = event.isPaused;
    this.textOnly = event.textOnly;
    this.awaitingResume = event.awaitingResume;
    // The server's history merges with what this page has, by item: it fills in what the page missed, and a
    // turn the page finished is never dropped, even if the history lacks it. Replayed events follow.
    this.transcript.mergeHistory(event.history);
    this.emit('history', this.turns());
    // Messages the server has processed are done; the rest go again, in order.
    const resend = this.messages.settle(event.lastClientSeq);
    this.setState('connected');
    this.emit('connected', event);
    this.ack();
    for (const message of resend) {
      this.transport.send(message);
    }
    this.startHeartbeat();
    const wasListening = this.wasListening;
    this.wasListening = false;
    this.budgetExceeded = event.budgetExceeded === true;
    if (shouldSendResume({ awaitingResume: event.awaitingResume, wasListening, paused: event.isPaused,
      budgetExceeded: this.budgetExceeded })) {
      this.sendMessage({ type: 'resume_interview' });
    }
    if (!this.budgetExceeded
      && shouldAutoResumeCapture({ wasListening, paused: event.isPaused, textOnly: event.textOnly })) {
      const started = await this.startListening();
      if (!started) {
        this.emit('microphoneNeeded', null);
      }
    }
  }

  // ---- client messages ---------------------------------------------------------------------------------

  /**
   * Numbers a message and sends it now if connected; it is resent after a reconnect until the server has
   * processed it (seed 003: messages sent while disconnected are queued).
   * @param {Record<string, unknown>} message
   */
  sendMessage(message) {
    const json = this.messages.add(message);
    if (this.state === 'connected') {
      this.transport.send(json);
    }
  }

  /**
   * Tells the server how much of an answer the user heard before speaking over it. Live, like audio: a cut
   * while disconnected is not sent (the answer is then kept whole).
   * @param {import('./playback.js').Cut} cut
   */
  reportCut(cut) {
    if (this.state === 'connected') {
      this.transport.send(JSON.stringify({ type: 'playback.truncated', itemId: cut.itemId,
        audioEndMs: Math.max(0, Math.round(cut.playedMs)) }));
    }
    this.emit('playbackTruncated', cut);
  }

  /** @param {string} base64Pcm */
  sendAudio(base64Pcm) {
    // Audio is live: never queued, dropped while disconnected or paused.
    if (this.state === 'connected' && !this.paused) {
      this.transport.send(JSON.stringify({ type: 'audio', data: base64Pcm }));
    }
  }

  ack() {
    this.position.acknowledged();
    if (this.position.lastSeq > 0) {
      this.transport.send(JSON.stringify({ type: 'ack', seq: this.position.lastSeq }));
    }
  }

  heartbeat() {
    if (this.state === 'connected'
      && this.transport.send(JSON.stringify({ type: 'heartbeat.ping', ack: this.position.lastSeq }))) {
      this.position.acknowledged();
    }
  }

  startHeartbeat() {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), this.heartbeatIntervalMs);
  }

  stopHeartbeat() {
    if (this.heartbeatTimer !== null) {
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = null;
    }
  }

  // ---- plumbing ----------------------------------------------------------------------------------------

  /**
   * @param {ConnectionState} state
   * @param {number} [attempt]
   */
  setState(state, attempt = 0) {
    this.state = state;
    this.emit('state', { state, attempt, maxAttempts: this.policy.maxAttempts });
  }

  /** @param {boolean} listening */
  setListening(listening) {
    if (this.listening !== listening) {
      this.listening = listening;
      this.emit('listening', listening);
    }
  }

  /**
   * @param {string} type
   * @param {any} payload
   */
  emit(type, payload) {
    for (const handler of this.handlers.get(type) ?? []) {
      handler(payload);
    }
  }

  save() {
    this.saved.save(this.token, this.position.lastSeq);
  }

  /** Forgets the session on this page (it ended). */
  clear() {
    this.saved.clear();
  }
}

/** @param {string} sessionId */
function defaultUrl(sessionId) {
  const secure = typeof location !== 'undefined' && location.protocol === 'https:';
  const host = typeof location !== 'undefined' ? location.host : 'localhost:8080';
  return `${secure ? 'wss' : 'ws'}://${host}/v1/sessions/${encodeURIComponent(sessionId)}/ws`;
}
