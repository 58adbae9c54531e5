import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { VoxrelayClient } from '../src/voxrelay-client.js';
import { FakeAudio, FakeWebSocket, MemoryStorage, connectedEvent, flush } from './fakes.js';

/** @type {EventTarget} */ let win;
/** @type {any} */ let doc;
/** @type {any[]} */ let beacons;

beforeEach(() => {
  FakeWebSocket.reset();
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  win = new EventTarget();
  doc = new EventTarget();
  doc.visibilityState = 'visible';
  beacons = [];
});

afterEach(() => {
  mock.timers.reset();
});

function newClient(overrides = {}) {
  const audio = overrides.audio ?? new FakeAudio();
  const storage = overrides.storage ?? new MemoryStorage();
  const client = new VoxrelayClient({
    sessionId: 's1', token: 'token-1', url: 'ws://test/v1/sessions/s1/ws', WebSocket: /** @type {any} */ (FakeWebSocket),
    audio, storage, window: win, document: doc, random: () => 0.5,
    sendBeacon: (url, body) => { beacons.push({ url, body }); return true; },
    ...overrides,
  });
  const states = [];
  client.on('state', (s) => states.push(`${s.state}${s.attempt ? ':' + s.attempt : ''}`));
  return { client, audio, storage, states };
}

async function connectOnce(client, event = connectedEvent()) {
  const socket = FakeWebSocket.last();
  socket.serverOpen();
  socket.serverSend(event);
  await flush();
  return socket;
}

test('connects with hello, then heartbeats every 30 s and at once when the tab becomes visible', async () => {
  const { client, states } = newClient();
  client.connect();
  const socket = await connectOnce(client);
  assert.deepEqual(socket.sent[0], { type: 'hello', token: 'token-1', lastSeq: 0 });
  assert.deepEqual(states, ['connecting', 'connected']);
  mock.timers.tick(30_000);
  assert.equal(socket.sentOfType('heartbeat.ping').length, 1);
  doc.dispatchEvent(new Event('visibilitychange'));
  assert.equal(socket.sentOfType('heartbeat.ping').length, 2);
});

test('an unexpected close shows reconnecting with the attempt, reconnects with the new token, and capture resumes', async () => {
  const { client, audio, states } = newClient();
  client.connect();
  await connectOnce(client);
  await client.startListening();
  FakeWebSocket.last().serverClose(1006);
  assert.equal(client.state, 'reconnecting');
  assert.equal(audio.capturing, false, 'capture stops on close');
  assert.equal(FakeWebSocket.instances.length, 1, 'no attempt before the delay');
  mock.timers.tick(499);
  assert.equal(FakeWebSocket.instances.length, 1);
  mock.timers.tick(1);
  assert.equal(FakeWebSocket.instances.length, 2, 'attempt 1 after 500 ms (no jitter at random 0.5)');
  const second = await connectOnce(client, connectedEvent({ resumed: true, resumeToken: 'token-3' }));
  assert.equal(second.sent[0].token, 'token-2', 'the token from the last connected');
  assert.equal(client.state, 'connected');
  assert.equal(audio.capturing, true, 'capture resumed');
  assert.deepEqual(states, ['connecting', 'connected', 'reconnecting:1', 'connected']);
  assert.equal(beacons.length, 1);
  assert.equal(beacons[0].body.type, 'application/json', 'diagnostics go as a JSON Blob');
  assert.match(await beacons[0].body.text(), /"code":1006/);
  assert.doesNotMatch(await beacons[0].body.text(), /token/);
});

test('expected closes (1000, 1001, session terminated, replaced) never retry', async () => {
  for (const code of [1000, 1001, 4000, 4409]) {
    FakeWebSocket.reset();
    const { client } = newClient();
    client.connect();
    await connectOnce(client);
    FakeWebSocket.last().serverClose(code);
    mock.timers.tick(60_000);
    assert.equal(FakeWebSocket.instances.length, 1, `code ${code}`);
    assert.equal(client.state, 'disconnected', `code ${code}`);
  }
});

test('session.terminated stops capture and forbids retries, even if the close that follows looks unexpected', async () => {
  const { client, audio } = newClient();
  const terminated = [];
  client.on('terminated', (t) => terminated.push(t));
  client.connect();
  await connectOnce(client);
  await client.startListening();
  FakeWebSocket.last().serverSend({ seq: 1, type: 'session.terminated', reason: 'idle_timeout', message: 'Bye.' });
  assert.equal(audio.capturing, false);
  FakeWebSocket.last().serverClose(1006);
  mock.timers.tick(60_000);
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.deepEqual(terminated, [{ reason: 'idle_timeout', message: 'Bye.' }]);
});

test('with the server down it gives up after 6 attempts, and tries again when the browser is back online', async () => {
  const { client, states } = newClient();
  client.connect();
  await connectOnce(client);
  FakeWebSocket.last().serverClose(1006);
  for (let attempt = 1; attempt <= 6; attempt++) {
    mock.timers.tick(10_000);
    FakeWebSocket.last().serverClose(1006);
  }
  assert.equal(client.state, 'failed');
  assert.equal(FakeWebSocket.instances.length, 7);
  assert.deepEqual(states.slice(2), ['reconnecting:1', 'reconnecting:2', 'reconnecting:3', 'reconnecting:4',
    'reconnecting:5', 'reconnecting:6', 'failed']);
  win.dispatchEvent(new Event('online'));
  assert.equal(client.state, 'reconnecting');
  mock.timers.tick(500);
  await connectOnce(client);
  assert.equal(client.state, 'connected');
});

test('a stale socket closing late never stops the new socket or its capture', async () => {
  const { client, audio } = newClient();
  client.connect();
  await connectOnce(client);
  await client.startListening();
  const old = FakeWebSocket.last();
  old.serverClose(1006);
  mock.timers.tick(500);
  // Retry now while an attempt is pending: the pending socket becomes stale.
  const pending = FakeWebSocket.last();
  client.retryNow();
  const fresh = FakeWebSocket.last();
  assert.notEqual(pending, fresh);
  await connectOnce(client);
  assert.equal(audio.capturing, true);
  pending.serverClose(1006);
  old.serverClose(1006);
  assert.equal(client.state, 'connected');
  assert.equal(audio.capturing, true, 'the stale closes left capture running');
  mock.timers.tick(60_000);
  assert.equal(FakeWebSocket.last(), fresh, 'no reconnection started by a stale close');
});

test('a paused session stays paused across a reconnect: no capture, no resume_interview', async () => {
  const { client, audio } = newClient();
  client.connect();
  await connectOnce(client);
  await client.startListening();
  client.pause();
  FakeWebSocket.last().serverClose(1006);
  mock.timers.tick(500);
  const socket = await connectOnce(client, connectedEvent({ isPaused: true, awaitingResume: true }));
  assert.equal(audio.capturing, false);
  assert.equal(socket.sentOfType('resume_interview').length, 0);
  assert.equal(client.paused, true);
});

test('after a cleanup the client sends resume_interview only if it was listening', async () => {
  const listening = newClient();
  listening.client.connect();
  await connectOnce(listening.client);
  await listening.client.startListening();
  FakeWebSocket.last().serverClose(1006);
  mock.timers.tick(500);
  const socket = await connectOnce(listening.client, connectedEvent({ awaitingResume: true, lastClientSeq: 0 }));
  assert.equal(socket.sentOfType('resume_interview').length, 1);
  assert.equal(listening.audio.capturing, true);

  FakeWebSocket.reset();
  const idle = newClient();
  idle.client.connect();
  await connectOnce(idle.client);
  FakeWebSocket.last().serverClose(1006);
  mock.timers.tick(500);
  const other = await connectOnce(idle.client, connectedEvent({ awaitingResume: true }));
  assert.equal(other.sentOfType('resume_interview').length, 0);
  assert.equal(idle.audio.capturing, false);
});

test('text-only mode reconnects without capture; a microphone that cannot restart asks for a click', async () => {
  const textOnly = newClient();
  textOnly.client.connect();
  await connectOnce(textOnly.client);
  await textOnly.client.startListening();
  FakeWebSocket.last().serverClose(1006);
  mock.timers.tick(500);
  await connectOnce(textOnly.client, connectedEvent({ textOnly: true }));
  assert.equal(textOnly.audio.capturing, false);

  FakeWebSocket.reset();
  const audio = new FakeAudio();
  const blocked = newClient({ audio });
  const needed = [];
  blocked.client.on('microphoneNeeded', () => needed.push(true));
  blocked.client.connect();
  await connectOnce(blocked.client);
  await blocked.client.startListening();
  audio.canStart = false;
  FakeWebSocket.last().serverClose(1006);
  mock.timers.tick(500);
  await connectOnce(blocked.client);
  assert.deepEqual(needed, [true]);
  assert.equal(blocked.client.listening, false);
});

test('messages sent while offline are numbered, queued and sent once after the reconnect', async () => {
  const { client } = newClient();
  client.connect();
  await connectOnce(client);
  client.sendText('online one');
  FakeWebSocket.last().serverClose(1006);
  client.sendText('offline one');
  client.nextQuestion();
  client.sendAudio('AAAA');
  mock.timers.tick(500);
  // The server had processed the first message before the drop.
  const socket = await connectOnce(client, connectedEvent({ lastClientSeq: 1 }));
  const resent = socket.sent.filter((m) => m.seq);
  assert.deepEqual(resent.map((m) => [m.type, m.seq, m.text]), [['text', 2, 'offline one'], ['next_question', 3, undefined]]);
  assert.equal(socket.sentOfType('audio').length, 0, 'audio is never queued');
});

test('a typed turn the server withdrew (turn_withdrawn) is sent again under its seq, once, and no error is shown', async () => {
  const { client } = newClient();
  const errors = [];
  client.on('error', (e) => errors.push(e));
  client.connect();
  const socket = await connectOnce(client);
  client.sendText('typed while the AI went on and on');
  socket.serverSend({ seq: 7, type: 'error', code: 'turn_withdrawn', clientSeq: 1, source: 'voxrelay', message: 'm' });
  await flush();
  const texts = socket.sent.filter((m) => m.type === 'text');
  assert.deepEqual(texts.map((m) => [m.seq, m.text]), [[1, 'typed while the AI went on and on'],
    [1, 'typed while the AI went on and on']]);
  assert.deepEqual(errors, [], 'handled, not shown');
});

test('server events are processed once, in order; the last seq and the token survive a reload', async () => {
  const storage = new MemoryStorage();
  const { client } = newClient({ storage });
  const transcripts = [];
  client.on('transcript', (t) => transcripts.push(t.text));
  client.connect();
  await connectOnce(client);
  const socket = FakeWebSocket.last();
  socket.serverSend({ seq: 1, type: 'transcript.delta', role: 'assistant', itemId: 'i1', delta: 'Hel' });
  socket.serverSend({ seq: 2, type: 'transcript.delta', role: 'assistant', itemId: 'i1', delta: 'lo' });
  socket.serverSend({ seq: 2, type: 'transcript.delta', role: 'assistant', itemId: 'i1', delta: 'lo' });
  socket.serverSend({ seq: 3, type: 'transcript.done', role: 'assistant', itemId: 'i1', text: 'Hello' });
  assert.deepEqual(transcripts, ['Hel', 'Hello', 'Hello']);
  assert.deepEqual(client.turns(), [{ itemId: 'i1', role: 'assistant', text: 'Hello', final: true }]);

  FakeWebSocket.reset();
  const reloaded = newClient({ storage });
  reloaded.client.connect();
  const hello = FakeWebSocket.last();
  hello.serverOpen();
  assert.deepEqual(hello.sent[0], { type: 'hello', token: 'token-2', lastSeq: 3 });
  hello.serverSend(connectedEvent({ history: [{ itemId: 'i1', role: 'assistant', text: 'Hello' }] }));
  await flush();
  assert.deepEqual(reloaded.client.turns(), [{ itemId: 'i1', role: 'assistant', text: 'Hello', final: true }]);
  assert.deepEqual(hello.sentOfType('ack'), [{ type: 'ack', seq: 3 }]);
});

test('ending the interview closes for good and forgets the session', async () => {
  const storage = new MemoryStorage();
  const { client } = newClient({ storage });
  client.connect();
  await connectOnce(client);
  client.endInterview();
  FakeWebSocket.last().serverSend({ seq: 1, type: 'interview.ended' });
  FakeWebSocket.last().serverClose(1000);
  mock.timers.tick(60_000);
  assert.equal(FakeWebSocket.instances.length, 1);
  assert.equal(storage.getItem('voxrelay:s1'), null);
});

test('a reconnect whose connected.history lacks a turn the client already finished keeps that turn on screen', async () => {
  const { client } = newClient();
  /** @type {any[][]} */
  const redraws = [];
  client.on('history', (turns) => redraws.push(turns));
  client.connect();
  await connectOnce(client);
  const socket = FakeWebSocket.last();
  socket.serverSend({ seq: 1, type: 'transcript.done', role: 'user', itemId: 'u1', text: 'Hello, I am ready.' });
  socket.serverSend({ seq: 2, type: 'transcript.delta', role: 'assistant', itemId: 'a1', delta: 'Thank ' });
  socket.serverSend({ seq: 3, type: 'transcript.done', role: 'assistant', itemId: 'a1', text: 'Thank you.' });
  socket.serverClose(1006);
  mock.timers.tick(500);
  // The history came from a store that had not got the answer yet: the answer must stay.
  await connectOnce(client, connectedEvent({
    resumed: true, lastSeq: 3, history: [{ itemId: 'u1', role: 'user', text: 'Hello, I am ready.' }],
  }));
  const expected = [
    { itemId: 'u1', role: 'user', text: 'Hello, I am ready.', final: true },
    { itemId: 'a1', role: 'assistant', text: 'Thank you.', final: true },
  ];
  assert.deepEqual(client.turns(), expected);
  assert.deepEqual(redraws.at(-1), expected, 'the redraw after connected keeps it too');
});

test('the heartbeat interval and the retryable closes come from connected; built-in ones before it', async () => {
  const before = newClient();
  before.client.connect();
  FakeWebSocket.last().serverOpen();
  FakeWebSocket.last().serverClose(1012);
  assert.deepEqual(before.states, ['connecting', 'reconnecting:1'], 'no connected yet: the built-in list retries 1012');
  before.client.close();

  const { client, states } = newClient();
  client.connect();
  const socket = await connectOnce(client, connectedEvent({ heartbeatIntervalMs: 5_000, retryableCloseCodes: [1013, 4100] }));
  mock.timers.tick(4_999);
  assert.equal(socket.sentOfType('heartbeat.ping').length, 0);
  mock.timers.tick(1);
  assert.equal(socket.sentOfType('heartbeat.ping').length, 1, 'every 5 s, as the server said');
  socket.serverClose(4100);
  assert.equal(states.at(-1), 'reconnecting:1', 'a code the server lists is retried');
  mock.timers.tick(500);
  const again = await connectOnce(client, connectedEvent({ heartbeatIntervalMs: 5_000, retryableCloseCodes: [1013] }));
  again.serverClose(1011);
  assert.equal(states.at(-1), 'disconnected', 'a code the server no longer lists is not');
  client.connect();
  const third = await connectOnce(client, connectedEvent({ retryableCloseCodes: [1013] }));
  third.serverClose(1006);
  assert.equal(states.at(-1), 'reconnecting:1', 'the browser\'s own 1006 is always retried');
});

test('barge-in: speech.started during an answer stops playback, reports how much was heard, and the cut turn is redrawn', async () => {
  const { client, audio } = newClient();
  const cuts = [];
  client.on('playbackTruncated', (c) => cuts.push(c));
  client.connect();
  await connectOnce(client);
  const socket = FakeWebSocket.last();
  socket.serverSend({ seq: 1, type: 'transcript.done', role: 'assistant', itemId: 'item_a', text: 'One two three four' });
  socket.serverSend({ type: 'audio', itemId: 'item_a', offsetMs: 0, data: 'AAAA' });
  socket.serverSend({ type: 'audio', itemId: 'item_a', offsetMs: 40, data: 'AAAA' });
  socket.serverSend({ type: 'speech.started' });
  assert.equal(audio.playbackStops, 1, 'the AI stops at once');
  assert.deepEqual(socket.sentOfType('playback.truncated'), [{ type: 'playback.truncated', itemId: 'item_a', audioEndMs: 60 }]);
  assert.deepEqual(cuts, [{ itemId: 'item_a', playedMs: 60 }]);
  socket.serverSend({ seq: 2, type: 'transcript.truncated', itemId: 'item_a', text: 'One two', playedMs: 60 });
  assert.deepEqual(client.turns(), [{ itemId: 'item_a', role: 'assistant', text: 'One two', final: true, interrupted: true }]);

  socket.serverSend({ type: 'speech.started' });
  assert.equal(socket.sentOfType('playback.truncated').length, 1, 'nothing was playing: nothing to report');
});
