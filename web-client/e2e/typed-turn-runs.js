// The typed-turn scenario, as a new user tries it: a fresh server, the demo page with the fake microphone,
// one typed turn, one network cut, one more typed turn; each turn must get its own answer within 15 s.
// Runs it many times in a row and prints the figures. Not part of a test tier: a measurement to run by hand.
//
//   node e2e/typed-turn-runs.js [--runs 50] [--mic beep|speech] [--per-server 2] [--load] [--type-after-ms 1000]
//
// --mic beep is Chromium's default fake device; --mic speech feeds the harness's speech file.
// --load keeps one core busy with another process for the whole series.
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath, speechWav, startProxy, startServer } from './harness.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const RUNS = Number(option('runs', '50'));
const MIC = option('mic', 'beep');
const PER_SERVER = Number(option('per-server', '2'));
const LOAD = args.includes('--load');
const ANSWER_MS = 15_000;
/** A person reads the page before typing: about a second after `connected`, when the microphone is on. */
const TYPE_AFTER_MS = Number(option('type-after-ms', '1000'));

if (!['beep', 'speech'].includes(MIC)) {
  throw new Error(`--mic beep|speech, not ${MIC}`);
}
const executablePath = chromiumPath();
if (!executablePath) {
  throw new Error('Chromium is not installed (apt-get install chromium)');
}

/** Chromium's flags: the default fake device beeps; the speech mode replaces it with the harness's file. */
function browserArgs() {
  const all = chromiumArgs(MIC === 'speech' ? speechWav() : 'unused');
  return MIC === 'speech' ? all : all.filter((a) => !a.startsWith('--use-file-for-fake-audio-capture'));
}

/** Whether the page shows a finished answer that names `text` (the simulator answers "You said: <text> …"). */
async function waitForAnswer(page, text) {
  return page.waitForFunction((t) => [...document.querySelectorAll('#transcript li.assistant[data-final="true"]')]
    .some((li) => li.textContent?.includes(`You said: ${t}`)), text, { timeout: ANSWER_MS })
    .then(() => true, () => false);
}

async function transcriptOf(server, sessionId) {
  const res = await fetch(`http://127.0.0.1:${server.port}/v1/sessions/${sessionId}/transcript?limit=500`,
    { headers: { Authorization: `Bearer ${server.apiKey}` } });
  const page = await res.json();
  return page.turns.map((t) => `${t.role}: ${t.text}${t.interrupted ? ' [interrupted]' : ''}`);
}

async function oneRun(server, browser, run) {
  const proxy = await startProxy(server.port);
  const context = await browser.newContext();
  const page = await context.newPage();
  const outcome = { run, first: false, second: false, sessionId: null };
  try {
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await page.click('#start');
    await page.waitForFunction(() => window.__voxrelay?.client.state === 'connected', null, { timeout: 20_000 });
    outcome.sessionId = await page.evaluate(() => window.__voxrelay.client.sessionId);
    await new Promise((r) => setTimeout(r, TYPE_AFTER_MS));
    await page.fill('#text', 'Hello, I am ready.');
    await page.press('#text', 'Enter');
    outcome.first = await waitForAnswer(page, 'Hello, I am ready.');
    proxy.dropAll();
    await page.waitForFunction(() => window.__voxrelay.client.state !== 'connected', null, { timeout: 10_000 });
    await page.waitForFunction(() => window.__voxrelay.client.state === 'connected', null, { timeout: 30_000 });
    await new Promise((r) => setTimeout(r, TYPE_AFTER_MS));
    await page.fill('#text', 'Tell me about the role.');
    await page.press('#text', 'Enter');
    outcome.second = await waitForAnswer(page, 'Tell me about the role.');
    if (!outcome.first || !outcome.second) {
      outcome.transcript = await transcriptOf(server, outcome.sessionId);
    }
  } catch (e) {
    outcome.error = String(e);
  } finally {
    await context.close();
    await proxy.close();
  }
  return outcome;
}

/** Another process keeping one core busy, as on a shared machine. */
function busyCore() {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

const load = LOAD ? busyCore() : null;
const browser = await chromium.launch({ executablePath, args: browserArgs() });
const failures = [];
let server = null;
try {
  for (let run = 1; run <= RUNS; run++) {
    if ((run - 1) % PER_SERVER === 0) {
      await server?.stop();
      server = await startServer({});
    }
    const outcome = await oneRun(server, browser, run);
    const ok = outcome.first && outcome.second && !outcome.error;
    console.log(`[typed-turn-runs] run ${run}/${RUNS} (${MIC}${LOAD ? ', load' : ''}): `
      + `${ok ? 'answered' : `UNANSWERED first=${outcome.first} second=${outcome.second}`} ${outcome.error ?? ''}`);
    if (!ok) {
      failures.push(outcome);
      console.log(JSON.stringify(outcome, null, 2));
      console.log(server.log.join('').split('\n').filter((l) => /WARN|ERROR/.test(l)).slice(-30).join('\n'));
    }
  }
} finally {
  await browser.close();
  await server?.stop();
  load?.kill();
}
const unanswered = failures.filter((f) => !f.error).length;
console.log(`[typed-turn-runs] ${JSON.stringify({ mic: MIC, load: LOAD, runs: RUNS, unanswered, errors: failures.length - unanswered })}`);
process.exit(failures.length === 0 ? 0 : 1);
