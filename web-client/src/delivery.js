// Delivery bookkeeping of the voxrelay web client, pure: which server events were processed (seq, ack), and
// which client messages wait to be known processed (numbered, resent after a reconnect until they are).

/** Acknowledge after this many new numbered events (heartbeats also carry the position). */
export const ACK_EVERY = 10;

/** Server events in, each once: the position a reconnect resumes from. */
export class ServerPosition {
  /** @param {number} lastSeq the last server event processed (from storage, or 0) */
  constructor(lastSeq = 0) {
    this.lastSeq = lastSeq;
    this.sinceAck = 0;
  }

  /**
   * Takes a server event's seq. Returns false for one processed already (a replayed copy), which the caller
   * drops; an unnumbered event (no seq) is always new.
   * @param {number | undefined} seq
   * @returns {boolean}
   */
  accept(seq) {
    if (typeof seq !== 'number') {
      return true;
    }
    if (seq <= this.lastSeq) {
      return false;
    }
    this.lastSeq = seq;
    this.sinceAck++;
    return true;
  }

  /** Whether enough new events came since the last acknowledgement to send one. */
  ackDue() {
    return this.sinceAck >= ACK_EVERY;
  }

  /** The position was sent to the server (an ack or a heartbeat). */
  acknowledged() {
    this.sinceAck = 0;
  }
}

/** Client messages out: numbered, kept until the server reports them processed (`connected.lastClientSeq`). */
export class MessageQueue {
  /** The most messages kept unconfirmed; past it the oldest go (a page offline for a very long time). */
  static MAX = 256;

  /** The most recent typed turns kept to send again if the server withdraws one (`turn_withdrawn`). */
  static MAX_TEXTS = 32;

  constructor() {
    this.nextSeq = 1;
    /** @type {Map<number, string>} */
    this.unprocessed = new Map();
    /** @type {Map<number, string>} */
    this.texts = new Map();
  }

  /**
   * Numbers a message and keeps it; returns its JSON to send now if connected.
   * @param {Record<string, unknown>} message
   * @returns {string}
   */
  add(message) {
    const seq = this.nextSeq++;
    const json = JSON.stringify({ ...message, seq });
    this.unprocessed.set(seq, json);
    if (message.type === 'text') {
      this.texts.set(seq, json);
      while (this.texts.size > MessageQueue.MAX_TEXTS) {
        this.texts.delete(/** @type {number} */ (this.texts.keys().next().value));
      }
    }
    while (this.unprocessed.size > MessageQueue.MAX) {
      const oldest = this.unprocessed.keys().next().value;
      this.unprocessed.delete(/** @type {number} */ (oldest));
    }
    return json;
  }

  /**
   * The server withdrew typed turn `seq` (it could not enter the conversation in time) and forgot it had
   * processed it: it is kept again until processed, and its JSON, under the same seq, is returned to send
   * now. Null for a seq this queue no longer knows.
   * @param {number} seq
   * @returns {string | null}
   */
  withdrawn(seq) {
    const json = this.texts.get(seq);
    if (json === undefined) {
      return null;
    }
    this.unprocessed.set(seq, json);
    this.unprocessed = new Map([...this.unprocessed.entries()].sort((a, b) => a[0] - b[0]));
    return json;
  }

  /**
   * The server has processed every message up to `lastClientSeq`: those are done; returns the rest, in
   * order, to send again.
   * @param {number} lastClientSeq
   * @returns {string[]}
   */
  settle(lastClientSeq) {
    for (const seq of [...this.unprocessed.keys()]) {
      if (seq <= lastClientSeq) {
        this.unprocessed.delete(seq);
      }
    }
    this.nextSeq = Math.max(this.nextSeq, lastClientSeq + 1);
    return [...this.unprocessed.values()];
  }
}
