import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { base64Pcm16ToFloat, createBrowserAudio, floatToBase64Pcm16 } from '../src/audio.js';

// Just enough of the Web Audio and media APIs to drive capture without a browser.
let userMediaCalls;
let tracksStopped;
let worklets;

class FakePort {
  constructor() {
    this.onmessage = null;
  }
}

class FakeNode {
  connect() {}
  disconnect() {
    this.disconnected = true;
  }
}

beforeEach(() => {
  userMediaCalls = 0;
  tracksStopped = 0;
  worklets = [];
  globalThis.AudioContext = class {
    constructor() {
      this.state = 'running';
      this.audioWorklet = { addModule: async () => {} };
    }
    createMediaStreamSource() {
      return new FakeNode();
    }
  };
  globalThis.AudioWorkletNode = class extends FakeNode {
    constructor() {
      super();
      this.port = new FakePort();
      worklets.push(this);
    }
  };
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: {
      mediaDevices: {
        getUserMedia: async () => {
          userMediaCalls++;
          return { getTracks: () => [{ stop: () => { tracksStopped++; } }] };
        },
      },
    },
  });
});

afterEach(() => {
  delete globalThis.AudioContext;
  delete globalThis.AudioWorkletNode;
});

test('PCM16 base64 round-trips', () => {
  const samples = new Float32Array([0, 0.5, -0.5, 0.999]);
  const back = base64Pcm16ToFloat(floatToBase64Pcm16(samples));
  samples.forEach((s, i) => assert.ok(Math.abs(s - back[i]) < 1e-3));
});

test('starting capture twice opens the microphone once; stopping twice is harmless', async () => {
  const audio = createBrowserAudio({ workletUrl: 'capture-worklet.js' });
  const chunks = [];
  const [a, b] = await Promise.all([audio.startCapture((c) => chunks.push(c)), audio.startCapture((c) => chunks.push(c))]);
  assert.equal(a, true);
  assert.equal(b, true);
  assert.equal(await audio.startCapture(() => {}), true);
  assert.equal(userMediaCalls, 1);
  audio.stopCapture();
  audio.stopCapture();
  assert.equal(tracksStopped, 1);
});

test('after stop, a block still queued on the worklet port sends nothing', async () => {
  const audio = createBrowserAudio({ workletUrl: 'capture-worklet.js' });
  const chunks = [];
  await audio.startCapture((c) => chunks.push(c));
  const port = worklets[0].port;
  const handler = port.onmessage;
  handler({ data: new Float32Array(960) });
  assert.equal(chunks.length, 1, 'a 40 ms block makes a chunk');
  audio.stopCapture();
  assert.equal(port.onmessage, null, 'the handler is gone');
  assert.equal(worklets[0].disconnected, true);
});
