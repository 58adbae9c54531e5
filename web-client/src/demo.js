// The demo interview page, built on the voxrelay client SDK.
import { VoxrelayClient, rememberSession, rememberedSession } from './voxrelay-client.js';
import { createBrowserAudio } from './audio.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const status = $('status');
const startButton = /** @type {HTMLButtonElement} */ ($('start'));
const retryButton = /** @type {HTMLButtonElement} */ ($('retry'));
const interview = $('interview');
const micButton = /** @type {HTMLButtonElement} */ ($('mic'));
const pauseButton = /** @type {HTMLButtonElement} */ ($('pause'));
const nextButton = /** @type {HTMLButtonElement} */ ($('next'));
const endButton = /** @type {HTMLButtonElement} */ ($('end'));
const textOnlyBox = /** @type {HTMLInputElement} */ ($('text-only'));
const textForm = /** @type {HTMLFormElement} */ ($('text-form'));
const textInput = /** @type {HTMLInputElement} */ ($('text'));
const notice = $('notice');
const questionLine = $('question');
const transcriptList = $('transcript');
const modal = $('modal');
const toolStatus = $('tool-status');

const FAILURE_MESSAGE = 'Connection lost. Please check your internet and try starting a new session.';

// Demo pages may shorten the reconnection delays for tests: ?reconnectBaseMs=…&reconnectMaxMs=…
const params = new URLSearchParams(location.search);
const policy = {
  ...(params.has('reconnectBaseMs') ? { baseDelayMs: Number(params.get('reconnectBaseMs')) } : {}),
  ...(params.has('reconnectMaxMs') ? { maxDelayMs: Number(params.get('reconnectMaxMs')) } : {}),
};

const audio = createBrowserAudio();
/** @type {VoxrelayClient | null} */
let client = null;

/** @param {string} text @param {string} state */
function setStatus(text, state) {
  status.textContent = text;
  status.dataset.state = state;
}

function renderTranscript() {
  transcriptList.replaceChildren(...(client?.turns() ?? []).map((turn) => {
    const li = document.createElement('li');
    li.className = turn.interrupted ? `${turn.role} interrupted` : turn.role;
    li.dataset.itemId = turn.itemId;
    li.dataset.final = String(turn.final);
    li.textContent = turn.interrupted ? `${turn.text}…` : turn.text;
    return li;
  }));
}

function renderControls() {
  const connected = client?.state === 'connected';
  micButton.disabled = !connected || Boolean(client?.paused) || Boolean(client?.textOnly);
  micButton.setAttribute('aria-pressed', String(Boolean(client?.listening)));
  micButton.textContent = client?.listening ? 'Stop listening' : 'Start listening';
  pauseButton.disabled = !connected;
  pauseButton.setAttribute('aria-pressed', String(Boolean(client?.paused)));
  pauseButton.textContent = client?.paused ? 'Resume' : 'Pause';
  nextButton.disabled = !connected;
  endButton.disabled = !connected;
  textOnlyBox.checked = Boolean(client?.textOnly);
}

/** @param {string} sessionId @param {string} token */
function startClient(sessionId, token) {
  rememberSession(sessionId);
  client = new VoxrelayClient({ sessionId, token, audio, policy });
  const c = client;
  // Exposed for tests and for the curious; the page uses only the SDK's public API.
  /** @type {any} */ (window).__voxrelay = { client: c };
  let firstConnect = true;
  c.on('state', (/** @type {{state: string, attempt: number, maxAttempts: number}} */ s) => {
    retryButton.hidden = s.state !== 'reconnecting';
    if (s.state === 'reconnecting') {
      setStatus(`Reconnecting… (Attempt ${s.attempt} of ${s.maxAttempts})`, 'reconnecting');
    } else if (s.state === 'connected') {
      setStatus('Connected', 'connected');
    } else if (s.state === 'failed') {
      setStatus(FAILURE_MESSAGE, 'failed');
      startButton.disabled = false;
    } else if (s.state === 'connecting') {
      setStatus('Connecting…', 'connecting');
    } else {
      setStatus('Disconnected.', 'disconnected');
    }
    renderControls();
  });
  c.on('connected', async (/** @type {any} */ event) => {
    interview.hidden = false;
    startButton.disabled = true;
    notice.textContent = '';
    if (event.currentQuestion) {
      questionLine.textContent = `Question ${event.currentQuestionIndex + 1} of ${event.questionCount}: ${event.currentQuestion}`;
    }
    if (event.budgetExceeded) {
      // Past its budget: the user sees the transcript; the app's backend has to raise the limit first.
      sessionStorage.removeItem('voxrelay:resume-requested');
      notice.textContent = event.budgetMessage;
    } else if (event.awaitingResume && sessionStorage.getItem('voxrelay:resume-requested')) {
      // The user chose “Resume Interview” after a termination: carry on, listening.
      sessionStorage.removeItem('voxrelay:resume-requested');
      c.resume();
      await c.startListening();
    } else if (firstConnect && !event.resumed && !event.textOnly) {
      firstConnect = false;
      if (!(await c.startListening())) {
        notice.textContent = 'Click “Start listening” to use your microphone.';
      }
    }
    firstConnect = false;
    renderControls();
  });
  c.on('history', renderTranscript);
  c.on('transcript', renderTranscript);
  c.on('listening', renderControls);
  c.on('paused', renderControls);
  c.on('resumed', renderControls);
  c.on('textOnly', renderControls);
  c.on('question', (/** @type {{index: number, question: string}} */ q) => {
    questionLine.textContent = `Question ${q.index + 1}: ${q.question}`;
  });
  c.on('tool', (/** @type {{name: string, status: string}} */ t) => {
    // The backend's answer goes to the AI only; the page shows that something is being looked up.
    toolStatus.hidden = false;
    toolStatus.dataset.status = t.status;
    toolStatus.textContent = t.status === 'running' ? `Looking that up… (${t.name})`
      : t.status === 'ok' ? `Looked up (${t.name}).` : `The lookup did not work (${t.name}: ${t.status}).`;
  });
  c.on('microphoneNeeded', () => {
    notice.textContent = 'Your microphone did not restart. Click “Start listening” to continue.';
  });
  c.on('error', (/** @type {{message: string}} */ e) => {
    notice.textContent = e.message;
  });
  c.on('budgetWarning', (/** @type {{usedFraction: number}} */ w) => {
    notice.textContent = `This session has used ${Math.round(w.usedFraction * 100)}% of its limit.`;
  });
  c.on('terminated', (/** @type {{reason: string, message: string}} */ t) => {
    $('modal-message').textContent = t.message;
    // A session past its budget cannot be resumed from here: only the app's backend can raise the limit.
    const resumable = t.reason !== 'budget_exceeded';
    $('modal-resume').hidden = !resumable;
    modal.hidden = false;
    /** @type {HTMLButtonElement} */ ($(resumable ? 'modal-resume' : 'modal-home')).focus();
  });
  c.on('ended', () => {
    rememberSession(null);
    setStatus('The interview has ended. Thank you!', 'disconnected');
    interview.hidden = true;
    startButton.disabled = false;
  });
  c.connect();
}

async function startSession() {
  startButton.disabled = true;
  setStatus('Creating a session…', 'connecting');
  try {
    // As a real app's page does: its own backend creates the session with the API key, which the browser
    // never holds (on embedded defaults, the example backend, reached through the gateway's /demo/sessions).
    const created = await fetch('/demo/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    if (!created.ok) throw new Error(`session creation failed (${created.status})`);
    const { sessionId, token } = await created.json();
    client?.close();
    transcriptList.replaceChildren();
    startClient(sessionId, token);
  } catch (e) {
    setStatus(`Could not start: ${e instanceof Error ? e.message : e}`, 'failed');
    startButton.disabled = false;
  }
}

startButton.addEventListener('click', startSession);
retryButton.addEventListener('click', () => client?.retryNow());
micButton.addEventListener('click', async () => {
  if (!client) return;
  if (client.listening) {
    client.stopListening();
  } else if (!(await client.startListening())) {
    notice.textContent = 'The microphone could not start. Check the browser’s permission.';
  } else {
    notice.textContent = '';
  }
});
pauseButton.addEventListener('click', () => {
  if (!client) return;
  if (client.paused) {
    client.resume();
    client.startListening();
  } else {
    client.pause();
  }
  renderControls();
});
nextButton.addEventListener('click', () => client?.nextQuestion());
endButton.addEventListener('click', () => client?.endInterview());
textOnlyBox.addEventListener('change', () => client?.setTextOnly(textOnlyBox.checked));
textForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = textInput.value.trim();
  if (client && text) {
    client.sendText(text);
    textInput.value = '';
  }
});
$('modal-resume').addEventListener('click', () => {
  sessionStorage.setItem('voxrelay:resume-requested', '1');
  location.reload();
});
$('modal-home').addEventListener('click', () => {
  rememberSession(null);
  location.href = '/';
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !modal.hidden) {
    /** @type {HTMLButtonElement} */ ($('modal-home')).focus();
  }
});

// A reload mid-interview resumes the session kept in this tab.
const remembered = rememberedSession();
if (remembered) {
  startClient(remembered, '');
}
