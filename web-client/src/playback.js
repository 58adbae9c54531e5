// How much of the AI's answer the user has heard: the chunks scheduled for playback, by answer, and the
// position reached when playback is cut (the user spoke over it). Pure: times are the audio clock's seconds.

/**
 * @typedef {Object} Cut
 * @property {string} itemId the answer that was cut short
 * @property {number} playedMs how much of its audio was played
 */

/** Chunks remembered at most: a few minutes of 40 ms chunks. */
export const MAX_CHUNKS = 4096;

export class PlayedPosition {
  constructor() {
    /** @type {Array<{itemId: string, offsetMs: number, startAt: number, duration: number}>} */
    this.chunks = [];
  }

  /**
   * A chunk of answer `itemId`, starting `offsetMs` into its audio, plays from `startAt` for `duration` s.
   * @param {string} itemId @param {number} offsetMs @param {number} startAt @param {number} duration
   */
  scheduled(itemId, offsetMs, startAt, duration) {
    if (this.chunks.length >= MAX_CHUNKS) {
      this.chunks.shift();
    }
    this.chunks.push({ itemId, offsetMs, startAt, duration });
  }

  /**
   * Playback stops at `now`: the answer that was playing (or, between chunks, the next one due) and how much
   * of it was heard; null when nothing was left to play. Forgets every chunk.
   * @param {number} now
   * @returns {Cut | null}
   */
  cut(now) {
    const chunks = this.chunks;
    this.chunks = [];
    for (const chunk of chunks) {
      if (now < chunk.startAt + chunk.duration) {
        const into = Math.max(0, now - chunk.startAt);
        return { itemId: chunk.itemId, playedMs: Math.round(chunk.offsetMs + into * 1000) };
      }
    }
    return null;
  }
}
