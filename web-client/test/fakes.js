// Test doubles for the client: a scripted WebSocket, an audio backend that records calls, a storage.

export class FakeWebSocket {
  /** @type {FakeWebSocket[]} */
  static instances = [];

  /** @param {string} url */
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    /** @type {any[]} */
    this.sent = [];
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.closedByClient = null;
    FakeWebSocket.instances.push(this);
  }

  static reset() {
    FakeWebSocket.instances = [];
  }

  static last() {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  }

  send(data) {
    if (this.readyState !== 1) {
      throw new Error('send on a socket that is not open');
    }
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000, reason = '') {
    this.closedByClient = { code, reason };
    this.readyState = 3;
  }

  /** The server accepts the connection. */
  serverOpen() {
    this.readyState = 1;
    this.onopen?.({});
  }

  serverSend(event) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }

  /** The connection ends with {@code code} (as seen by the browser). */
  serverClose(code, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  sentOfType(type) {
    return this.sent.filter((m) => m.type === type);
  }
}

export function connectedEvent(overrides = {}) {
  return {
    type: 'connected', sessionId: 's1', resumeToken: 'token-2', resumed: false, lastSeq: 0, lastClientSeq: 0,
    awaitingResume: false, isPaused: false, textOnly: false, currentQuestionIndex: 0, questionCount: 2,
    currentQuestion: 'Q1?', history: [], heartbeatIntervalMs: 30_000, retryableCloseCodes: [1011, 1012, 1013],
    ...overrides,
  };
}

export class FakeAudio {
  constructor({ canStart = true } = {}) {
    this.canStart = canStart;
    this.capturing = false;
    this.starts = 0;
    this.stops = 0;
    this.played = [];
    this.onChunk = null;
  }

  async startCapture(onChunk) {
    this.starts++;
    if (!this.canStart) {
      return false;
    }
    this.capturing = true;
    this.onChunk = onChunk;
    return true;
  }

  stopCapture() {
    this.stops++;
    this.capturing = false;
  }

  play(chunk, meta) {
    this.played.push(chunk);
    this.lastChunk = meta;
    this.playbackStops = (this.playbackStops ?? 0);
  }

  /** Cut as if the last chunk played was half heard. */
  stopPlayback() {
    this.playbackStops = (this.playbackStops ?? 0) + 1;
    const last = this.lastChunk;
    this.lastChunk = null;
    return last?.itemId ? { itemId: last.itemId, playedMs: last.offsetMs + 20 } : null;
  }
}

export class MemoryStorage {
  constructor() {
    this.map = new Map();
  }

  getItem(key) {
    return this.map.has(key) ? this.map.get(key) : null;
  }

  setItem(key, value) {
    this.map.set(key, String(value));
  }

  removeItem(key) {
    this.map.delete(key);
  }
}

/** Lets pending promise callbacks run (the client awaits the microphone). */
export function flush() {
  return new Promise((resolve) => setImmediate(resolve));
}
