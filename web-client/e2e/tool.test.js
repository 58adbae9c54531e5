// The demo's tool in use, in a real browser against the real standalone server and its example backend.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { browserSkip, chromiumArgs, chromiumPath, screenshotPath, speechWav, startServer } from './harness.js';

const executablePath = chromiumPath();
const skip = browserSkip();

let server;
let browser;

before(async () => {
  if (skip) return;
  server = await startServer({});
  browser = await chromium.launch({ executablePath: /** @type {string} */ (executablePath), args: chromiumArgs(speechWav()) });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the interviewer looks the next topic up at the app backend: the page shows the lookup, never its result', { skip }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  /** @type {string[]} */
  const received = [];
  page.on('websocket', (ws) => ws.on('framereceived', (frame) => received.push(String(frame.payload))));
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await page.click('#start');
  await page.waitForFunction(() => window.__voxrelay?.client.state === 'connected', null, { timeout: 20_000 });
  await page.check('#text-only');
  await page.waitForFunction(() => window.__voxrelay.client.textOnly === true, null, { timeout: 10_000 });

  await page.fill('#text', 'What comes next? Please lookup topic.');
  await page.click('#text-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#tool-status')?.textContent?.includes('lookup_topic'),
    null, { timeout: 20_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#transcript li.assistant')]
    .some((li) => li.textContent?.includes('The next question is about')), null, { timeout: 20_000 });
  assert.equal(await page.getAttribute('#tool-status', 'data-status'), 'ok');
  await page.screenshot({ path: screenshotPath('tool-lookup.png') });

  const events = received.map((text) => JSON.parse(text));
  const started = events.find((e) => e.type === 'tool.started');
  const finished = events.find((e) => e.type === 'tool.finished');
  assert.equal(started?.name, 'lookup_topic');
  assert.equal(started.arguments, undefined, 'the arguments never reach the browser');
  assert.equal(finished?.status, 'ok');
  assert.equal(finished.output, undefined, 'the result never reaches the browser except as the AI\'s words');
  for (const e of events) {
    if (e.type !== 'transcript.done' && e.type !== 'transcript.delta' && e.type !== 'connected') {
      assert.ok(!JSON.stringify(e).includes('The next question is about'), `${e.type} carries the tool's result`);
    }
  }
  assert.match(server.log.join(''), /\[example-backend\] webhook session\.connected/);
  await context.close();
});
