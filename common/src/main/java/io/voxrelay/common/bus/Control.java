package io.voxrelay.common.bus;

/** The interview controls a client can send; each changes session state, the upstream, or both. */
public enum Control {
  /** Stop listening: no audio upstream, no automatic responses, an answer in progress cancelled. */
  PAUSE,
  /** Listen again after a pause, or reopen the upstream of a session that was awaiting resume. */
  RESUME,
  /** Move to the next question and let the AI ask it. */
  NEXT_QUESTION,
  /** End the interview: state kept, upstream closed, client closed with 1000. */
  END,
  /** A typed turn ({@code text} carries it); the AI answers it. */
  TEXT,
  /** Switch text-only mode on; the AI answers in text. */
  TEXT_ONLY_ON,
  /** Switch text-only mode off; the AI answers by voice. */
  TEXT_ONLY_OFF
}
