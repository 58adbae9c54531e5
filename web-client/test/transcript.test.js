import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Transcript } from '../src/transcript.js';

const texts = (/** @type {Transcript} */ t) => t.turns().map((turn) => `${turn.itemId}:${turn.text}${turn.final ? '' : '…'}`);

test('finished turns read in the order they finished, streaming ones after them', () => {
  const t = new Transcript();
  t.delta('a1', 'assistant', 'Thank ');
  t.done('u1', 'user', 'typed while the AI spoke');
  assert.deepEqual(texts(t), ['u1:typed while the AI spoke', 'a1:Thank …']);
  t.done('a1', 'assistant', 'Thank you.');
  assert.deepEqual(texts(t), ['u1:typed while the AI spoke', 'a1:Thank you.']);
  assert.equal(t.delta('a1', 'assistant', 'late piece'), null, 'a finished turn takes no more pieces');
});

test('a replayed done keeps the turn where it is, with the server text', () => {
  const t = new Transcript();
  t.done('u1', 'user', 'one');
  t.done('a1', 'assistant', 'two');
  t.done('u1', 'user', 'one (again)');
  assert.deepEqual(texts(t), ['u1:one (again)', 'a1:two']);
});

test('merging history fills in missed turns in the server order and keeps turns the history lacks', () => {
  const t = new Transcript();
  t.done('old1', 'user', 'older than the window');
  t.done('u1', 'user', 'hello');
  t.done('a1', 'assistant', 'finished here first');
  t.delta('a2', 'assistant', 'still stream');
  t.mergeHistory([
    { itemId: 'u1', role: 'user', text: 'hello' },
    { itemId: 'u2', role: 'user', text: 'missed while away' },
  ]);
  assert.deepEqual(texts(t), ['old1:older than the window', 'u1:hello', 'a1:finished here first',
    'u2:missed while away', 'a2:still stream…']);
});

test('a streaming turn the history has finished becomes finished; an interrupted mark survives a merge', () => {
  const t = new Transcript();
  t.delta('a1', 'assistant', 'Thank');
  t.done('a0', 'assistant', 'cut', true);
  t.mergeHistory([{ itemId: 'a0', role: 'assistant', text: 'cut' }, { itemId: 'a1', role: 'assistant', text: 'Thank you.' }]);
  assert.deepEqual(t.turns(), [
    { itemId: 'a0', role: 'assistant', text: 'cut', final: true, interrupted: true },
    { itemId: 'a1', role: 'assistant', text: 'Thank you.', final: true },
  ]);
});

test('a replay.truncated redraw drops only what was streaming', () => {
  const t = new Transcript();
  t.done('u1', 'user', 'kept');
  t.delta('a1', 'assistant', 'half');
  t.dropStreaming();
  assert.deepEqual(texts(t), ['u1:kept']);
});
