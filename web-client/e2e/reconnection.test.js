// Seed 000's testing plan, in a real browser against the real standalone server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { browserSkip, chromiumArgs, chromiumPath, screenshotPath, speechWav, startProxy, startServer } from './harness.js';

const FAILURE_MESSAGE = 'Connection lost. Please check your internet and try starting a new session.';
const executablePath = chromiumPath();
const skip = browserSkip();

let server;
let proxy;
let browser;
let base;

before(async () => {
  if (skip) return;
  server = await startServer({
    VOXRELAY_SESSION_IDLE_TIMEOUT_MS: '6000',
    VOXRELAY_WATCHDOG_INTERVAL_MS: '500',
    VOXRELAY_DETACH_GRACE_MS: '1500',
  });
  proxy = await startProxy(server.port);
  browser = await chromium.launch({ executablePath: /** @type {string} */ (executablePath), args: chromiumArgs(speechWav()) });
  base = `http://127.0.0.1:${proxy.port}`;
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
});

/** A fresh tab (its own sessionStorage) on the demo, with short reconnection delays. */
async function openDemo() {
  const context = await browser.newContext();
  const page = await context.newPage();
  /** @type {string[]} */
  const sent = [];
  let sockets = 0;
  page.on('websocket', (ws) => {
    sockets++;
    ws.on('framesent', (frame) => sent.push(String(frame.payload)));
  });
  await page.goto(`${base}/?reconnectBaseMs=300&reconnectMaxMs=1200`);
  return { page, context, sent, sockets: () => sockets };
}

async function startInterview(page) {
  await page.click('#start');
  await page.waitForFunction(() => window.__voxrelay?.client.state === 'connected' && window.__voxrelay.client.listening,
    null, { timeout: 20_000 });
}

const clientState = (page) => page.evaluate(() => {
  const c = window.__voxrelay.client;
  return { state: c.state, listening: c.listening, paused: c.paused, awaitingResume: c.awaitingResume };
});

async function waitConnected(page, timeout = 20_000) {
  await page.waitForFunction(() => window.__voxrelay.client.state === 'connected', null, { timeout });
}

test('a paused session stays paused after a reconnect', { skip }, async () => {
  const { page, context } = await openDemo();
  await startInterview(page);
  await page.click('#pause');
  await page.waitForFunction(() => window.__voxrelay.client.paused && !window.__voxrelay.client.listening);
  proxy.dropAll();
  await page.waitForFunction(() => window.__voxrelay.client.state !== 'connected', null, { timeout: 10_000 });
  await waitConnected(page);
  await page.waitForTimeout(1_000);
  const state = await clientState(page);
  assert.equal(state.paused, true);
  assert.equal(state.listening, false);
  assert.equal(await page.getAttribute('#pause', 'aria-pressed'), 'true');
  await context.close();
});

test('with the server down, the failure prompt appears after 6 attempts and Start is enabled again', { skip }, async () => {
  const { page, context } = await openDemo();
  await startInterview(page);
  await page.evaluate(() => {
    window.__attempts = [];
    window.__voxrelay.client.on('state', (s) => { if (s.state === 'reconnecting') window.__attempts.push(s.attempt); });
  });
  proxy.refuse(true);
  proxy.dropAll();
  await page.waitForFunction(() => document.getElementById('status').dataset.state === 'failed', null, { timeout: 30_000 });
  assert.equal(await page.textContent('#status'), FAILURE_MESSAGE);
  assert.deepEqual(await page.evaluate(() => window.__attempts), [1, 2, 3, 4, 5, 6]);
  assert.equal(await page.isEnabled('#start'), true);
  await page.screenshot({ path: screenshotPath('failure.png') });
  proxy.refuse(false);
  await context.close();
});

test('a stale socket’s close does not stop the new capture', { skip }, async () => {
  const { page, context } = await openDemo();
  await startInterview(page);
  proxy.refuse(true);
  proxy.dropAll();
  await page.waitForFunction(() => window.__voxrelay.client.state === 'reconnecting', null, { timeout: 10_000 });
  proxy.refuse(false);
  // Two quick retries: the first attempt's socket is replaced while it opens, and closes late.
  await page.evaluate(() => { window.__voxrelay.client.retryNow(); window.__voxrelay.client.retryNow(); });
  await waitConnected(page);
  await page.waitForFunction(() => window.__voxrelay.client.listening, null, { timeout: 10_000 });
  await page.waitForTimeout(1_500);
  const state = await clientState(page);
  assert.equal(state.state, 'connected');
  assert.equal(state.listening, true, 'capture still running after the stale socket closed');
  await context.close();
});

test('reconnecting after a watchdog-style cleanup sends resume_interview only when it was listening', { skip }, async () => {
  const listening = await openDemo();
  await startInterview(listening.page);
  proxy.refuse(true);
  proxy.dropAll();
  await listening.page.waitForTimeout(3_000); // past the detach grace: the upstream is let go
  proxy.refuse(false);
  await waitConnected(listening.page, 30_000);
  await listening.page.waitForFunction(() => !window.__voxrelay.client.awaitingResume && window.__voxrelay.client.listening,
    null, { timeout: 15_000 });
  assert.equal(listening.sent.filter((f) => f.includes('"resume_interview"')).length, 1);
  await listening.context.close();

  const paused = await openDemo();
  await startInterview(paused.page);
  await paused.page.click('#pause');
  await paused.page.waitForFunction(() => window.__voxrelay.client.paused);
  proxy.refuse(true);
  proxy.dropAll();
  await paused.page.waitForTimeout(3_000);
  proxy.refuse(false);
  await waitConnected(paused.page, 30_000);
  await paused.page.waitForTimeout(1_000);
  const state = await clientState(paused.page);
  assert.equal(state.awaitingResume, true, 'still awaiting resume: the user had paused');
  assert.equal(paused.sent.filter((f) => f.includes('"resume_interview"')).length, 0);
  await paused.context.close();
});

test('session.terminated shows the modal with the server’s message, and no retry happens', { skip }, async () => {
  const { page, context, sockets } = await openDemo();
  await startInterview(page);
  await page.click('#mic'); // stop listening: nothing keeps the session from going idle
  await page.waitForSelector('#modal:not([hidden])', { timeout: 20_000 });
  assert.equal(await page.textContent('#modal-message'),
    'Session ended due to inactivity. Your progress has been saved and you can resume the interview.');
  assert.equal(await page.isVisible('#modal-resume'), true);
  assert.equal(await page.isVisible('#modal-home'), true);
  await page.screenshot({ path: screenshotPath('terminated.png') });
  const opened = sockets();
  await page.waitForTimeout(3_000);
  assert.equal(sockets(), opened, 'no reconnection after a termination');
  assert.notEqual((await clientState(page)).state, 'reconnecting');
  await context.close();
});

test('a reload mid-interview resumes with the transcript', { skip }, async () => {
  const { page, context } = await openDemo();
  await startInterview(page);
  await page.fill('#text', 'Hello from the browser test');
  await page.press('#text', 'Enter');
  await page.waitForFunction(() => [...document.querySelectorAll('#transcript li.user')]
    .some((li) => li.textContent === 'Hello from the browser test'), null, { timeout: 15_000 });
  await page.waitForFunction(() => window.__voxrelay.client.turns().some((t) => t.role === 'assistant' && t.final),
    null, { timeout: 15_000 });
  // Finished turns only: an answer still streaming may be cut by the reload itself.
  const before = await page.evaluate(() => window.__voxrelay.client.turns().filter((t) => t.final).map((t) => t.text));
  await page.reload();
  await waitConnected(page);
  await page.waitForFunction((n) => document.querySelectorAll('#transcript li').length >= n, before.length, { timeout: 10_000 });
  const afterReload = await page.$$eval('#transcript li', (items) => items.map((li) => li.textContent));
  assert.ok(before.includes('Hello from the browser test'));
  for (const line of before) {
    assert.ok(afterReload.includes(line), `“${line}” is back after the reload`);
  }
  await context.close();
});
