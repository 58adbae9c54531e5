import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CHUNKS, PlayedPosition } from '../src/playback.js';

test('the cut is inside the chunk playing: its offset plus the time it has played', () => {
  const position = new PlayedPosition();
  position.scheduled('a', 0, 10, 0.04);
  position.scheduled('a', 40, 10.04, 0.04);
  position.scheduled('a', 80, 10.08, 0.04);
  assert.deepEqual(position.cut(10.05), { itemId: 'a', playedMs: 50 });
  assert.equal(position.cut(10.05), null, 'a cut forgets the chunks');
});

test('before the first chunk starts, nothing of it was heard; after the last ends, nothing is cut', () => {
  const position = new PlayedPosition();
  position.scheduled('b', 120, 5, 0.04);
  assert.deepEqual(position.cut(4.5), { itemId: 'b', playedMs: 120 });
  position.scheduled('c', 0, 5, 0.04);
  assert.equal(position.cut(6), null);
});

test('a later answer: the one playing now is the one cut', () => {
  const position = new PlayedPosition();
  position.scheduled('a', 960, 1, 0.04);
  position.scheduled('b', 0, 1.04, 0.04);
  assert.deepEqual(position.cut(1.05), { itemId: 'b', playedMs: 10 });
});

test('bounded', () => {
  const position = new PlayedPosition();
  for (let i = 0; i < MAX_CHUNKS + 10; i++) {
    position.scheduled('a', i * 40, i * 0.04, 0.04);
  }
  assert.equal(position.chunks.length, MAX_CHUNKS);
});
