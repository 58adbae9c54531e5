// What the voxrelay web client keeps in the page's storage: a session's resume token and last processed
// seq (so a reload resumes), and which session the page was in.

/** @typedef {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>} SessionStorageLike */

/** One session's saved position. */
export class SavedSession {
  /**
   * @param {string} sessionId
   * @param {SessionStorageLike | null} storage
   */
  constructor(sessionId, storage) {
    this.key = `voxrelay:${sessionId}`;
    this.storage = storage;
  }

  /** @returns {{ token: string, lastSeq: number } | null} */
  load() {
    try {
      const raw = this.storage?.getItem(this.key);
      return raw ? JSON.parse(raw) : null;
    } catch {
      return null;
    }
  }

  /**
   * @param {string} token
   * @param {number} lastSeq
   */
  save(token, lastSeq) {
    this.storage?.setItem(this.key, JSON.stringify({ token, lastSeq }));
  }

  /** Forgets the session on this page (it ended). */
  clear() {
    this.storage?.removeItem(this.key);
  }
}

/**
 * The session this page was in, if a reload should resume it.
 * @param {Pick<Storage, 'getItem'> | null} [storage]
 * @returns {string | null}
 */
export function rememberedSession(storage = safeSessionStorage()) {
  return storage?.getItem('voxrelay:current') ?? null;
}

/**
 * @param {string | null} sessionId
 * @param {Pick<Storage, 'setItem' | 'removeItem'> | null} [storage]
 */
export function rememberSession(sessionId, storage = safeSessionStorage()) {
  if (sessionId) {
    storage?.setItem('voxrelay:current', sessionId);
  } else {
    storage?.removeItem('voxrelay:current');
  }
}

/** @returns {Storage | null} */
export function safeSessionStorage() {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}
