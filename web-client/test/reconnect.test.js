import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_POLICY, RECONNECT_BASE_DELAY_MS, RECONNECT_JITTER_PCT, RECONNECT_MAX_ATTEMPTS, RECONNECT_MAX_DELAY_MS,
  RETRYABLE_CLOSE_CODES, reconnectDelay, retryableCloseCodes, shouldAutoResumeCapture, shouldReconnect, shouldSendResume,
} from '../src/reconnect.js';

test("the defaults are seed 000's constants", () => {
  assert.equal(RECONNECT_BASE_DELAY_MS, 500);
  assert.equal(RECONNECT_MAX_DELAY_MS, 10_000);
  assert.equal(RECONNECT_MAX_ATTEMPTS, 6);
  assert.equal(RECONNECT_JITTER_PCT, 0.2);
});

test('unexpected closes retry; expected ones never do', () => {
  for (const code of [1005, 1006, 1011, 1012, 1013]) {
    assert.equal(shouldReconnect(code), true, `code ${code}`);
  }
  for (const code of [1000, 1001, 1009, 4000, 4400, 4401, 4408, 4409, 4410, 4429]) {
    assert.equal(shouldReconnect(code), false, `code ${code}`);
  }
  assert.equal(shouldReconnect(1006, { sessionTerminated: true }), false);
  assert.equal(shouldReconnect(1006, { unloading: true }), false);
});

test('backoff doubles from the base up to the cap, within ±20 % jitter, never negative', () => {
  for (let attempt = 1; attempt <= 8; attempt++) {
    const base = Math.min(500 * 2 ** (attempt - 1), 10_000);
    const low = reconnectDelay(attempt, DEFAULT_POLICY, () => 0);
    const high = reconnectDelay(attempt, DEFAULT_POLICY, () => 0.999999);
    const middle = reconnectDelay(attempt, DEFAULT_POLICY, () => 0.5);
    assert.equal(low, Math.round(base * 0.8), `attempt ${attempt} lowest`);
    assert.ok(Math.abs(high - base * 1.2) <= 1, `attempt ${attempt} highest ${high}`);
    assert.equal(middle, base, `attempt ${attempt} middle`);
    for (let i = 0; i < 200; i++) {
      const d = reconnectDelay(attempt);
      assert.ok(d >= base * 0.8 - 1 && d <= base * 1.2 + 1, `attempt ${attempt}: ${d}`);
    }
  }
  assert.equal(reconnectDelay(1, { ...DEFAULT_POLICY, jitterPct: 5 }, () => 0), 0);
});

test('audio capture restarts only if listening, not paused and not text-only', () => {
  assert.equal(shouldAutoResumeCapture({ wasListening: true, paused: false, textOnly: false }), true);
  assert.equal(shouldAutoResumeCapture({ wasListening: false, paused: false, textOnly: false }), false);
  assert.equal(shouldAutoResumeCapture({ wasListening: true, paused: true, textOnly: false }), false);
  assert.equal(shouldAutoResumeCapture({ wasListening: true, paused: false, textOnly: true }), false);
});

test('resume_interview goes out only when the server awaits resume and the user was listening', () => {
  assert.equal(shouldSendResume({ awaitingResume: true, wasListening: true, paused: false }), true);
  assert.equal(shouldSendResume({ awaitingResume: false, wasListening: true, paused: false }), false);
  assert.equal(shouldSendResume({ awaitingResume: true, wasListening: false, paused: false }), false);
  assert.equal(shouldSendResume({ awaitingResume: true, wasListening: true, paused: true }), false);
  assert.equal(shouldSendResume({ awaitingResume: true, wasListening: true, paused: false, budgetExceeded: true }),
    false, 'past its budget: not until the app raises the limit');
});

test('the server\'s retryable codes replace the built-in list, and the browser\'s own stay', () => {
  const fromServer = retryableCloseCodes([1013, 4100]);
  assert.equal(shouldReconnect(4100, { retryable: fromServer }), true);
  assert.equal(shouldReconnect(1011, { retryable: fromServer }), false);
  assert.equal(shouldReconnect(1005, { retryable: fromServer }), true);
  assert.equal(shouldReconnect(1006, { retryable: fromServer }), true);
  assert.deepEqual(retryableCloseCodes(undefined), RETRYABLE_CLOSE_CODES);
});
