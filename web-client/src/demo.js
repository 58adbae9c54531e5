// The demo interview page: creates a session, streams the microphone, plays the AI's voice.
import { SAMPLE_RATE, floatToBase64Pcm16, base64Pcm16ToFloat } from './audio.js';

const startButton = /** @type {HTMLButtonElement} */ (document.getElementById('start'));
const stopButton = /** @type {HTMLButtonElement} */ (document.getElementById('stop'));
const statusLine = /** @type {HTMLElement} */ (document.getElementById('status'));
const transcript = /** @type {HTMLOListElement} */ (document.getElementById('transcript'));

const HEARTBEAT_INTERVAL_MS = 30000;
const CHUNK_SAMPLES = 960; // 40 ms at 24 kHz

/** @type {WebSocket | null} */ let socket = null;
/** @type {AudioContext | null} */ let audioContext = null;
/** @type {MediaStream | null} */ let microphone = null;
/** @type {number | undefined} */ let heartbeat;
let playHead = 0;
/** @type {AudioBufferSourceNode[]} */ let playing = [];
/** @type {Map<string, HTMLLIElement>} */ const lines = new Map();

function setStatus(text) { statusLine.textContent = text; }

async function start() {
  startButton.disabled = true;
  setStatus('Creating a session…');
  try {
    const created = await fetch('/v1/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        instructions: 'You are a friendly interviewer. Ask one question at a time.',
        questions: ['Tell me about yourself.', 'What are you working on now?', 'What would you like to learn next?'],
      }),
    });
    if (!created.ok) throw new Error(`session creation failed (${created.status})`);
    const { sessionId, token } = await created.json();
    audioContext = new AudioContext({ sampleRate: SAMPLE_RATE });
    await audioContext.audioWorklet.addModule('capture-worklet.js');
    connect(sessionId, token);
  } catch (e) {
    setStatus(`Could not start: ${e instanceof Error ? e.message : e}`);
    startButton.disabled = false;
  }
}

function connect(sessionId, token) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/v1/sessions/${sessionId}/ws`);
  socket = ws;
  ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token }));
  ws.onmessage = (e) => onEvent(JSON.parse(e.data));
  ws.onclose = (e) => {
    if (socket !== ws) return;
    stopCapture();
    clearInterval(heartbeat);
    socket = null;
    setStatus(`Disconnected (${e.code}${e.reason ? ': ' + e.reason : ''}).`);
    startButton.disabled = false;
    stopButton.disabled = true;
  };
}

async function onEvent(event) {
  switch (event.type) {
    case 'connected':
      setStatus('Connected. Speak when you are ready.');
      stopButton.disabled = false;
      heartbeat = window.setInterval(() => send({ type: 'heartbeat.ping' }), HEARTBEAT_INTERVAL_MS);
      await startCapture();
      break;
    case 'audio':
      play(base64Pcm16ToFloat(event.data));
      break;
    case 'speech.started':
      stopPlayback();
      break;
    case 'transcript.delta':
      line(event.itemId, event.role).textContent += event.delta;
      break;
    case 'transcript.done':
      line(event.itemId, event.role).textContent = event.text;
      break;
    case 'session.terminated':
      stopCapture();
      setStatus(event.message);
      break;
    case 'error':
      setStatus(`Error: ${event.message}`);
      break;
  }
}

function line(itemId, role) {
  let li = lines.get(itemId);
  if (!li) {
    li = document.createElement('li');
    li.className = role;
    lines.set(itemId, li);
    transcript.appendChild(li);
  }
  return li;
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

async function startCapture() {
  if (microphone || !audioContext) return;
  microphone = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
  });
  const source = audioContext.createMediaStreamSource(microphone);
  const worklet = new AudioWorkletNode(audioContext, 'voxrelay-capture');
  let pending = new Float32Array(0);
  worklet.port.onmessage = (e) => {
    const block = /** @type {Float32Array} */ (e.data);
    const merged = new Float32Array(pending.length + block.length);
    merged.set(pending);
    merged.set(block, pending.length);
    pending = merged;
    while (pending.length >= CHUNK_SAMPLES) {
      send({ type: 'audio', data: floatToBase64Pcm16(pending.subarray(0, CHUNK_SAMPLES)) });
      pending = pending.slice(CHUNK_SAMPLES);
    }
  };
  source.connect(worklet);
}

function stopCapture() {
  if (microphone) {
    microphone.getTracks().forEach((t) => t.stop());
    microphone = null;
  }
}

function play(samples) {
  if (!audioContext) return;
  const buffer = audioContext.createBuffer(1, samples.length, SAMPLE_RATE);
  buffer.copyToChannel(samples, 0);
  const node = audioContext.createBufferSource();
  node.buffer = buffer;
  node.connect(audioContext.destination);
  playHead = Math.max(playHead, audioContext.currentTime);
  node.start(playHead);
  playHead += buffer.duration;
  playing.push(node);
  node.onended = () => { playing = playing.filter((n) => n !== node); };
}

function stopPlayback() {
  playing.forEach((n) => { try { n.stop(); } catch { /* already stopped */ } });
  playing = [];
  playHead = 0;
}

startButton.addEventListener('click', start);
stopButton.addEventListener('click', () => socket && socket.close(1000, 'user ended'));
