// Disconnect reports of the voxrelay web client (seed 002, findings 2 and 6): an unexpected close, sent as
// a JSON Blob by `sendBeacon` so the server's JSON parser reads it, with nothing that identifies the user
// beyond the session id. Best effort.

/**
 * @param {(url: string, body: Blob) => boolean} sendBeacon
 * @param {string | null} url where reports go (null: nowhere)
 * @param {{ sessionId: string, code: number, reason: string, state: string, visibility: string | null }} report
 */
export function reportDisconnect(sendBeacon, url, report) {
  if (!url) {
    return;
  }
  const body = {
    sessionId: report.sessionId,
    code: report.code,
    reason: String(report.reason ?? '').slice(0, 120),
    state: report.state,
    online: typeof navigator === 'undefined' ? null : navigator.onLine,
    visibility: report.visibility,
    at: Date.now(),
  };
  try {
    sendBeacon(url, new Blob([JSON.stringify(body)], { type: 'application/json' }));
  } catch {
    // Diagnostics are best effort.
  }
}

/** @returns {(url: string, body: Blob) => boolean} */
export function defaultBeacon() {
  if (typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function') {
    return (url, body) => navigator.sendBeacon(url, body);
  }
  return (url, body) => {
    if (typeof fetch === 'function') {
      fetch(url, { method: 'POST', body, keepalive: true, headers: { 'Content-Type': 'application/json' } })
        .catch(() => {});
    }
    return true;
  };
}
