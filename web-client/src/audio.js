// Browser audio for the voxrelay client: microphone capture to PCM16 24 kHz mono, playback of the AI's voice.

/** @typedef {import('./voxrelay-client.js').AudioBackend} AudioBackend */

import { PlayedPosition } from './playback.js';

export const SAMPLE_RATE = 24000;
/** Capture chunk: 40 ms at 24 kHz. */
const CHUNK_SAMPLES = 960;

/** @param {Float32Array} samples @returns {string} base64 PCM16 little-endian */
export function floatToBase64Pcm16(samples) {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + 0x8000)));
  }
  return btoa(binary);
}

/** @param {string} base64 @returns {Float32Array<ArrayBuffer>} */
export function base64Pcm16ToFloat(base64) {
  const binary = atob(base64);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(new ArrayBuffer((binary.length >> 1) * 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / 0x8000;
  return out;
}

/**
 * The browser's microphone and speakers. Start and stop are idempotent (seed 002, finding 5): starting
 * while capturing does nothing, stopping twice does nothing, and a stopped capture sends no late chunk.
 * @param {{ workletUrl?: string }} [options]
 * @returns {AudioBackend}
 */
export function createBrowserAudio(options = {}) {
  const workletUrl = options.workletUrl ?? new URL('./capture-worklet.js', import.meta.url).href;
  /** @type {AudioContext | null} */ let context = null;
  /** @type {MediaStream | null} */ let stream = null;
  /** @type {AudioWorkletNode | null} */ let worklet = null;
  /** @type {MediaStreamAudioSourceNode | null} */ let source = null;
  /** @type {Promise<boolean> | null} */ let starting = null;
  let playHead = 0;
  /** @type {AudioBufferSourceNode[]} */ let playing = [];
  const position = new PlayedPosition();

  async function audioContext() {
    if (!context) {
      context = new AudioContext({ sampleRate: SAMPLE_RATE });
      await context.audioWorklet.addModule(workletUrl);
    }
    if (context.state === 'suspended') {
      await context.resume().catch(() => {});
    }
    return context;
  }

  /** @param {(base64Pcm: string) => void} onChunk */
  async function start(onChunk) {
    try {
      const ctx = await audioContext();
      const mic = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
      });
      stream = mic;
      source = ctx.createMediaStreamSource(mic);
      worklet = new AudioWorkletNode(ctx, 'voxrelay-capture');
      let pending = new Float32Array(0);
      worklet.port.onmessage = (e) => {
        const block = /** @type {Float32Array} */ (e.data);
        const merged = new Float32Array(pending.length + block.length);
        merged.set(pending);
        merged.set(block, pending.length);
        pending = merged;
        while (pending.length >= CHUNK_SAMPLES) {
          onChunk(floatToBase64Pcm16(pending.subarray(0, CHUNK_SAMPLES)));
          pending = pending.slice(CHUNK_SAMPLES);
        }
      };
      source.connect(worklet);
      return true;
    } catch {
      stop();
      return false;
    }
  }

  function stop() {
    if (worklet) {
      // No message queued on the port may send audio after this.
      worklet.port.onmessage = null;
      worklet.disconnect();
      worklet = null;
    }
    source?.disconnect();
    source = null;
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
  }

  return {
    startCapture(onChunk) {
      if (stream) {
        return Promise.resolve(true);
      }
      if (!starting) {
        starting = start(onChunk).finally(() => { starting = null; });
      }
      return starting;
    },
    stopCapture() {
      stop();
    },
    play(base64Pcm, chunk) {
      if (!context) {
        return;
      }
      const samples = base64Pcm16ToFloat(base64Pcm);
      const buffer = context.createBuffer(1, samples.length, SAMPLE_RATE);
      buffer.copyToChannel(samples, 0);
      const node = context.createBufferSource();
      node.buffer = buffer;
      node.connect(context.destination);
      playHead = Math.max(playHead, context.currentTime);
      node.start(playHead);
      if (chunk?.itemId) {
        position.scheduled(chunk.itemId, chunk.offsetMs, playHead, buffer.duration);
      }
      playHead += buffer.duration;
      playing.push(node);
      node.onended = () => { playing = playing.filter((n) => n !== node); };
    },
    stopPlayback() {
      const cut = context ? position.cut(context.currentTime) : null;
      playing.forEach((n) => { try { n.stop(); } catch { /* already stopped */ } });
      playing = [];
      playHead = 0;
      return cut;
    },
  };
}
