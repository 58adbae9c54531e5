// The client follows the server's constants from `connected` instead of repeating them: here the heartbeat
// interval, changed by VOXRELAY_HEARTBEAT_INTERVAL_MS, in a real browser against the real standalone server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { browserSkip, chromiumArgs, chromiumPath, speechWav, startServer } from './harness.js';

const executablePath = chromiumPath();
const skip = browserSkip();
const HEARTBEAT_INTERVAL_MS = 700;

let server;
let browser;

before(async () => {
  if (skip) return;
  server = await startServer({ VOXRELAY_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_INTERVAL_MS) });
  browser = await chromium.launch({ executablePath: /** @type {string} */ (executablePath), args: chromiumArgs(speechWav()) });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('VOXRELAY_HEARTBEAT_INTERVAL_MS reaches the client in connected, and the client heartbeats at that pace',
  { skip }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    /** @type {number[]} */
    const pings = [];
    /** @type {any} */
    let connected = null;
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => {
        if (String(frame.payload).includes('"heartbeat.ping"')) {
          pings.push(Date.now());
        }
      });
      ws.on('framereceived', (frame) => {
        const text = String(frame.payload);
        if (text.includes('"type":"connected"')) {
          connected = JSON.parse(text);
        }
      });
    });
    await page.goto(`http://127.0.0.1:${server.port}/`);
    await page.click('#start');
    await page.waitForFunction(() => window.__voxrelay?.client.state === 'connected', null, { timeout: 20_000 });
    assert.equal(connected?.heartbeatIntervalMs, HEARTBEAT_INTERVAL_MS, 'the server tells its interval');
    assert.deepEqual(connected?.retryableCloseCodes, [1011, 1012, 1013], 'and the closes to retry after');
    assert.equal(await page.evaluate(() => window.__voxrelay.client.heartbeatIntervalMs), HEARTBEAT_INTERVAL_MS);
    // With the built-in 30 s, none would come in this window.
    const start = Date.now();
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_INTERVAL_MS * 5));
    const inWindow = pings.filter((at) => at >= start).length;
    assert.ok(inWindow >= 3, `expected a ping about every ${HEARTBEAT_INTERVAL_MS} ms, got ${inWindow} in 5 intervals`);
    await context.close();
  });
