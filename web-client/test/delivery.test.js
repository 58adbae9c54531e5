import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK_EVERY, MessageQueue, ServerPosition } from '../src/delivery.js';

test('server events count once each, in seq order; an ack is due every ACK_EVERY new ones', () => {
  const position = new ServerPosition(5);
  assert.equal(position.accept(5), false, 'a copy of one processed');
  assert.equal(position.accept(3), false);
  assert.equal(position.accept(undefined), true, 'an unnumbered event is always new');
  assert.equal(position.lastSeq, 5);
  for (let i = 1; i < ACK_EVERY; i++) {
    assert.equal(position.accept(5 + i), true);
    assert.equal(position.ackDue(), false);
  }
  assert.equal(position.accept(5 + ACK_EVERY), true);
  assert.equal(position.ackDue(), true);
  position.acknowledged();
  assert.equal(position.ackDue(), false);
  assert.equal(position.lastSeq, 5 + ACK_EVERY);
});

test('client messages are numbered, kept until processed, and the rest resent in order', () => {
  const queue = new MessageQueue();
  assert.deepEqual(JSON.parse(queue.add({ type: 'pause_interview' })), { type: 'pause_interview', seq: 1 });
  queue.add({ type: 'text', text: 'a' });
  queue.add({ type: 'text', text: 'b' });
  const resend = queue.settle(1).map((json) => JSON.parse(json));
  assert.deepEqual(resend.map((m) => m.seq), [2, 3]);
  assert.deepEqual(queue.settle(3), []);
  assert.equal(JSON.parse(queue.add({ type: 'next_question' })).seq, 4);
  const fresh = new MessageQueue();
  fresh.settle(41);
  assert.equal(JSON.parse(fresh.add({ type: 'next_question' })).seq, 42, 'numbering continues after the server\'s');
});

test('at most MessageQueue.MAX messages wait; the oldest go first', () => {
  const queue = new MessageQueue();
  for (let i = 0; i < MessageQueue.MAX + 3; i++) {
    queue.add({ type: 'text', text: String(i) });
  }
  const waiting = queue.settle(0).map((json) => JSON.parse(json));
  assert.equal(waiting.length, MessageQueue.MAX);
  assert.equal(waiting[0].seq, 4);
});

test('a withdrawn typed turn is sent again under its seq, and kept until processed again', () => {
  const queue = new MessageQueue();
  queue.add({ type: 'pause_interview' });
  queue.add({ type: 'text', text: 'hello' });
  queue.add({ type: 'text', text: 'again' });
  assert.deepEqual(queue.settle(3), [], 'all processed, even the ones withdrawn later');
  assert.equal(queue.withdrawn(1), null, 'only typed turns are withdrawn');
  const resent = JSON.parse(/** @type {string} */ (queue.withdrawn(3)));
  assert.deepEqual(resent, { type: 'text', text: 'again', seq: 3 });
  queue.withdrawn(2);
  assert.deepEqual(queue.settle(1).map((json) => JSON.parse(json).seq), [2, 3], 'resent in order after a reconnect');
  assert.deepEqual(queue.settle(3), []);
  assert.equal(queue.add({ type: 'text', text: 'next' }).includes('"seq":4'), true, 'numbering goes on');
});

test('at most MessageQueue.MAX_TEXTS typed turns are kept for a withdrawal', () => {
  const queue = new MessageQueue();
  for (let i = 0; i < MessageQueue.MAX_TEXTS + 5; i++) {
    queue.add({ type: 'text', text: `t${i}` });
  }
  assert.equal(queue.texts.size, MessageQueue.MAX_TEXTS);
  assert.equal(queue.withdrawn(1), null, 'the oldest are gone');
});
