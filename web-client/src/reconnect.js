// Reconnection policy of the voxrelay web client (seeds 000 and 001): which closes retry, and when.

/** Seed 000's constants. */
export const RECONNECT_BASE_DELAY_MS = 500;
export const RECONNECT_MAX_DELAY_MS = 10_000;
export const RECONNECT_MAX_ATTEMPTS = 6;
export const RECONNECT_JITTER_PCT = 0.2;

/** Close codes the browser itself reports when a connection fails: retryable whatever the server says. */
export const BROWSER_CLOSE_CODES = Object.freeze([1005, 1006]);

/**
 * Close codes after which the client tries again (the connection failed, not the session), until a
 * `connected` event says which codes the server retries ({@link retryableCloseCodes}).
 */
export const RETRYABLE_CLOSE_CODES = Object.freeze([...BROWSER_CLOSE_CODES, 1011, 1012, 1013]);

/** Closes that end the session for this page (terminated by the server, or replaced by a newer tab). */
export const SESSION_OVER_CLOSE_CODES = Object.freeze([4000, 4409]);

/** Closes that refuse the client (unknown session or token, ended interview, too many attempts): failed. */
export const REFUSED_CLOSE_CODES = Object.freeze([4401, 4410, 4429]);

/**
 * The codes to retry after: the server's list from `connected.retryableCloseCodes`, plus the browser's own;
 * the built-in list while the server has said nothing.
 * @param {number[] | undefined} fromServer
 * @returns {readonly number[]}
 */
export function retryableCloseCodes(fromServer) {
  return Array.isArray(fromServer) ? Object.freeze([...new Set([...BROWSER_CLOSE_CODES, ...fromServer])])
    : RETRYABLE_CLOSE_CODES;
}

/**
 * @typedef {Object} ReconnectPolicy
 * @property {number} baseDelayMs
 * @property {number} maxDelayMs
 * @property {number} maxAttempts
 * @property {number} jitterPct
 */

/** @type {ReconnectPolicy} */
export const DEFAULT_POLICY = Object.freeze({
  baseDelayMs: RECONNECT_BASE_DELAY_MS,
  maxDelayMs: RECONNECT_MAX_DELAY_MS,
  maxAttempts: RECONNECT_MAX_ATTEMPTS,
  jitterPct: RECONNECT_JITTER_PCT,
});

/**
 * Whether a close should be followed by reconnection attempts. Expected closes (1000 normal, 1001 going
 * away, a terminated or ended session, a refused token, the page going away) never retry.
 * @param {number} code the WebSocket close code
 * @param {{ sessionTerminated?: boolean, unloading?: boolean, retryable?: readonly number[] }} [context]
 *   `retryable`: the codes to retry after ({@link retryableCloseCodes}); default the built-in list
 * @returns {boolean}
 */
export function shouldReconnect(code, context = {}) {
  if (context.sessionTerminated || context.unloading) {
    return false;
  }
  return (context.retryable ?? RETRYABLE_CLOSE_CODES).includes(code);
}

/**
 * The delay before reconnection attempt {@code attempt} (1-based): exponential from the base, capped, with
 * ±jitter so many clients do not come back at once.
 * @param {number} attempt
 * @param {ReconnectPolicy} [policy]
 * @param {() => number} [random] uniform in [0, 1)
 * @returns {number} milliseconds, never negative
 */
export function reconnectDelay(attempt, policy = DEFAULT_POLICY, random = Math.random) {
  const base = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  const jitter = base * policy.jitterPct * (random() * 2 - 1);
  return Math.max(0, Math.round(base + jitter));
}

/**
 * Whether audio capture restarts by itself after a reconnect (seed 000 §1 and §5): only if the user was
 * listening, had not paused, and is not in text-only mode.
 * @param {{ wasListening: boolean, paused: boolean, textOnly: boolean }} state
 * @returns {boolean}
 */
export function shouldAutoResumeCapture(state) {
  return state.wasListening && !state.paused && !state.textOnly;
}

/**
 * Whether to send `resume_interview` after `connected` (seed 000 §5.4): the server is awaiting resume and
 * the user was listening when the connection dropped (a session the user had paused stays paused). Never for a
 * session past its budget: the server would refuse it until the app raises the limit.
 * @param {{ awaitingResume: boolean, wasListening: boolean, paused: boolean, budgetExceeded?: boolean }} state
 * @returns {boolean}
 */
export function shouldSendResume(state) {
  return state.awaitingResume && state.wasListening && !state.paused && !state.budgetExceeded;
}
