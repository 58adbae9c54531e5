// The page's lifecycle, as the voxrelay web client needs it: the network coming back, the page going away,
// becoming visible, frozen or resumed (seed 000 §2.7, seed 001).

/**
 * @typedef {Object} PageHandlers
 * @property {() => void} online the network came back
 * @property {() => void} unloading the page is going away: its closes are expected
 * @property {() => void} visible the page became visible again
 * @property {() => void} frozen the page was frozen (timers stop)
 * @property {() => void} resumed a frozen page runs again
 */

/**
 * Listens to the page; either target may be null (no page, e.g. in tests).
 * @param {EventTarget | null} win
 * @param {(EventTarget & { visibilityState?: string }) | null} doc
 * @param {PageHandlers} handlers
 */
export function listenToPage(win, doc, handlers) {
  win?.addEventListener('online', () => handlers.online());
  win?.addEventListener('pagehide', () => handlers.unloading());
  doc?.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'visible') {
      handlers.visible();
    }
  });
  // `freeze` and `resume` are not in every DOM typing's DocumentEventMap: the target is a plain EventTarget.
  /** @type {EventTarget | null} */
  const lifecycle = doc;
  lifecycle?.addEventListener('freeze', () => handlers.frozen());
  lifecycle?.addEventListener('resume', () => handlers.resumed());
}
