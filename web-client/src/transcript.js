// The conversation as the page shows it: finished turns in the order they finished, then the turns still
// streaming. Pure: no sockets, no timers, no DOM.

/**
 * @typedef {Object} Turn
 * @property {string} itemId
 * @property {string} role `user` or `assistant`
 * @property {string} text
 * @property {boolean} final
 * @property {boolean} [interrupted] an AI answer that stopped before it was finished
 */

/**
 * The transcript model. A finished turn is never dropped: `connected.history` is merged in by item id, and a
 * turn the client finished that the history lacks keeps its place. Only the server removes turns, and only
 * streaming ones: a `replay.truncated` redraw drops what was still streaming (its remaining pieces may be
 * gone), and keeps every finished turn.
 */
export class Transcript {
  constructor() {
    /** @type {Map<string, Turn>} finished turns, in the order they finished (the server's history order) */
    this.finished = new Map();
    /** @type {Map<string, Turn>} turns whose text is still streaming */
    this.streaming = new Map();
  }

  /**
   * A piece of a turn's text (`transcript.delta`). Ignored once the turn is finished.
   * @param {string} itemId @param {string} role @param {string} delta
   * @returns {Turn | null} the turn as it now reads, or null when nothing changed
   */
  delta(itemId, role, delta) {
    if (this.finished.has(itemId)) {
      return null;
    }
    const turn = this.streaming.get(itemId) ?? { itemId, role, text: '', final: false };
    turn.text += delta;
    this.streaming.set(itemId, turn);
    return { ...turn };
  }

  /**
   * A whole turn (`transcript.done`): it joins the finished turns at the end, or, if it is there already,
   * keeps its place with the server's text.
   * @param {string} itemId @param {string} role @param {string} text @param {boolean} [interrupted]
   * @returns {Turn}
   */
  done(itemId, role, text, interrupted = false) {
    this.streaming.delete(itemId);
    /** @type {Turn} */
    const turn = { itemId, role, text, final: true };
    if (interrupted) {
      turn.interrupted = true;
    }
    this.finished.set(itemId, turn);
    return { ...turn };
  }

  /**
   * The user spoke over an answer (`transcript.truncated`): it keeps the text that was heard, marked
   * interrupted, in its place.
   * @param {string} itemId @param {string} text
   * @returns {Turn}
   */
  truncated(itemId, text) {
    const known = this.finished.get(itemId);
    return this.done(itemId, known?.role ?? 'assistant', text, true);
  }

  /**
   * Merges the server's history (oldest first) into the turns already held. The history's order wins for
   * the turns it has; a finished turn it lacks (older than its window, or finished here first) stays right
   * after the turn it followed. A streaming turn the history has finished becomes finished.
   * @param {Array<{itemId: string, role: string, text: string, interrupted?: boolean}>} history
   */
  mergeHistory(history) {
    /** @type {Turn[]} */
    const merged = history.map((t) => {
      /** @type {Turn} */
      const turn = { itemId: t.itemId, role: t.role, text: t.text, final: true };
      if (t.interrupted || this.finished.get(t.itemId)?.interrupted) {
        turn.interrupted = true;
      }
      return turn;
    });
    const known = new Set(merged.map((t) => t.itemId));
    /** @type {string | null} */
    let previous = null;
    for (const turn of this.finished.values()) {
      if (!known.has(turn.itemId)) {
        const at = previous === null ? 0 : merged.findIndex((t) => t.itemId === previous) + 1;
        merged.splice(at, 0, turn);
        known.add(turn.itemId);
      }
      previous = turn.itemId;
    }
    this.finished = new Map(merged.map((t) => [t.itemId, t]));
    for (const itemId of [...this.streaming.keys()]) {
      if (this.finished.has(itemId)) {
        this.streaming.delete(itemId);
      }
    }
  }

  /** Drops the turns still streaming (a `replay.truncated` redraw); finished turns stay. */
  dropStreaming() {
    this.streaming.clear();
  }

  /** @returns {Turn[]} finished turns in order, then the ones still streaming */
  turns() {
    return [...this.finished.values(), ...this.streaming.values()].map((t) => ({ ...t }));
  }
}
