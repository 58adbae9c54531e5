// Barge-in in a real browser: the fake microphone speaks again while the AI's answer plays; the page stops
// the answer and tells the server how much of it was heard, and the server cuts the turn to match.
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
  // Answers longer than the fake microphone's 1.5 s of silence: its next tone comes while one plays.
  server = await startServer({ VOXRELAY_SIMULATOR_RESPONSE_AUDIO_MS: '6000' });
  browser = await chromium.launch({ executablePath: /** @type {string} */ (executablePath), args: chromiumArgs(speechWav()) });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the user speaks over the AI: the page sends playback.truncated for the answer playing, and redraws it cut', { skip }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  /** @type {any[]} */
  const sent = [];
  /** @type {any[]} */
  const received = [];
  page.on('websocket', (ws) => {
    ws.on('framesent', (frame) => sent.push(JSON.parse(String(frame.payload))));
    ws.on('framereceived', (frame) => received.push(JSON.parse(String(frame.payload))));
  });
  await page.goto(`http://127.0.0.1:${server.port}/`);
  await page.click('#start');
  await page.waitForFunction(() => window.__voxrelay?.client.state === 'connected', null, { timeout: 20_000 });

  const deadline = Date.now() + 30_000;
  while (!sent.some((m) => m.type === 'playback.truncated') && Date.now() < deadline) {
    await page.waitForTimeout(200);
  }
  const cut = sent.find((m) => m.type === 'playback.truncated');
  assert.ok(cut, 'the page reported a barge-in');
  const audio = received.filter((e) => e.type === 'audio' && e.itemId === cut.itemId);
  assert.ok(audio.length > 0, 'the cut names an answer whose audio the page played');
  const heardBefore = received.findIndex((e) => e.type === 'speech.started');
  assert.ok(heardBefore >= 0, 'after the server heard the user start speaking');
  const sentSoFar = audio.reduce((ms, e) => Math.max(ms, e.offsetMs + (e.data.length * 3) / 4 / 48), 0);
  assert.ok(cut.audioEndMs >= 0 && cut.audioEndMs <= sentSoFar, `played ${cut.audioEndMs} ms of ${sentSoFar} ms sent`);

  await page.waitForFunction((itemId) => window.__voxrelay.client.turns()
    .some((t) => t.itemId === itemId && t.interrupted), cut.itemId, { timeout: 20_000 });
  const truncated = received.find((e) => e.type === 'transcript.truncated' && e.itemId === cut.itemId);
  assert.ok(truncated, 'the server cut the turn');
  assert.equal(truncated.playedMs, cut.audioEndMs);
  await page.screenshot({ path: screenshotPath('barge-in.png') });
  await context.close();
});
