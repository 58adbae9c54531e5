// The fast tier's one browser test: the demo as a new user meets it, in Chromium against the standalone jar.
// A voice turn and a typed turn are each answered; a network cut shows the indicator with the attempt count,
// the page reconnects by itself, capture resumes, and a typed turn after it is answered too. The server runs
// with a heartbeat interval of its own: the client follows the server's constants from `connected`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { browserSkip, chromiumArgs, chromiumPath, screenshotPath, speechWav, startProxy, startServer } from './harness.js';

const executablePath = chromiumPath();
const skip = browserSkip();
const HEARTBEAT_INTERVAL_MS = 700;

let server;
let proxy;
let browser;

before(async () => {
  if (skip) return;
  server = await startServer({ VOXRELAY_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS) });
  proxy = await startProxy(server.port);
  browser = await chromium.launch({ executablePath: /** @type {string} */ (executablePath), args: chromiumArgs(speechWav()) });
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.stop();
});

/** Waits until the page shows a finished answer that names `text` (the simulator answers "You said: <text> …"). */
function answered(page, text) {
  return page.waitForFunction((t) => [...document.querySelectorAll('#transcript li.assistant[data-final="true"]')]
    .some((li) => li.textContent?.includes(`You said: ${t}`)), text, { timeout: 20_000 });
}

async function type(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

test('the demo: a voice turn and a typed turn answered, a network cut survived, and a typed turn answered after it',
  { skip }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    /** @type {number[]} */
    const pings = [];
    /** @type {any} */
    let connected = null;
    let connectedAt = 0;
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => {
        if (String(frame.payload).includes('"heartbeat.ping"')) {
          pings.push(Date.now());
        }
      });
      ws.on('framereceived', (frame) => {
        const text = String(frame.payload);
        if (connected === null && text.includes('"type":"connected"')) {
          connected = JSON.parse(text);
          connectedAt = Date.now();
        }
      });
    });
    await page.goto(`http://127.0.0.1:${proxy.port}/?reconnectBaseMs=300&reconnectMaxMs=1200`);
    await page.click('#start');
    await page.waitForFunction(() => window.__voxrelay?.client.state === 'connected' && window.__voxrelay.client.listening,
      null, { timeout: 20_000 });
    assert.equal(connected?.heartbeatIntervalMs, HEARTBEAT_INTERVAL_MS, 'the server tells its interval');
    assert.deepEqual(connected?.retryableCloseCodes, [1011, 1012, 1013], 'and the closes to retry after');
    assert.equal(await page.evaluate(() => window.__voxrelay.client.heartbeatIntervalMs), HEARTBEAT_INTERVAL_MS);
    // The fake microphone speaks: a whole voice turn comes back, heard and answered.
    await page.waitForFunction(() => window.__voxrelay.client.turns().some((t) => t.role === 'user' && t.final
      && t.text.startsWith('I spoke for')) && window.__voxrelay.client.turns().some((t) => t.role === 'assistant' && t.final),
    null, { timeout: 20_000 });
    await type(page, 'Hello, I am ready.');
    await answered(page, 'Hello, I am ready.');
    // With the built-in 30 s, no ping would have come by now; at the server's pace, one about every 700 ms
    // (at least 3 in every 5 intervals).
    await page.waitForTimeout(Math.max(0, connectedAt + HEARTBEAT_INTERVAL_MS * 5 - Date.now()));
    const since = Date.now() - connectedAt;
    const inWindow = pings.filter((at) => at >= connectedAt).length;
    assert.ok(inWindow >= Math.floor((since / HEARTBEAT_INTERVAL_MS) * 3 / 5),
      `expected a ping about every ${HEARTBEAT_INTERVAL_MS} ms, got ${inWindow} in ${since} ms`);

    proxy.refuse(true);
    proxy.dropAll();
    await page.waitForFunction(() => /Reconnecting… \(Attempt 2 of 6\)/.test(document.getElementById('status').textContent),
      null, { timeout: 15_000 });
    assert.equal(await page.isDisabled('#mic'), true, 'the mic is disabled while reconnecting');
    assert.equal(await page.isVisible('#retry'), true, '“Retry now” is offered');
    await page.screenshot({ path: screenshotPath('reconnecting.png') });
    proxy.refuse(false);
    await page.waitForFunction(() => window.__voxrelay.client.state === 'connected' && window.__voxrelay.client.listening,
      null, { timeout: 20_000 });
    assert.equal(await page.textContent('#status'), 'Connected');

    await type(page, 'Tell me about the role.');
    await answered(page, 'Tell me about the role.');
    await context.close();
  });
