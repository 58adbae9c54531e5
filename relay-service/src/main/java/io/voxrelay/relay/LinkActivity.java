package io.voxrelay.relay;

/**
 * What one upstream session is doing, as its events tell: is a response under way or asked for, is the user
 * speaking. The relay acts on it to stay within the upstream's rules (one response at a time) and to find
 * quiet moments. Pure: fed each upstream event in order.
 */
final class LinkActivity {

  private boolean responseActive;
  /** A response.create was sent and its response has not begun or finished yet. */
  private boolean responseRequested;
  private boolean speaking;

  void observe(UpstreamEvent event) {
    if (event instanceof UpstreamEvent.ResponseCreated) {
      responseActive = true;
    } else if (event instanceof UpstreamEvent.ResponseDone) {
      responseActive = false;
      responseRequested = false;
    } else if (event instanceof UpstreamEvent.Failure failure) {
      if (responseRequested && "conversation_already_has_active_response".equals(failure.code())) {
        // Our request lost a race with a response turn detection started; the session's AnswerTracker
        // decides, once that one is done, whether another is still owed.
        responseRequested = false;
      }
    } else if (event instanceof UpstreamEvent.SpeechStarted) {
      speaking = true;
    } else if (event instanceof UpstreamEvent.SpeechEnded) {
      speaking = false;
    }
  }

  /**
   * Whether a response may be asked for now: none under way or asked for. If so, it counts as asked for
   * from here on (the caller sends {@code response.create}).
   */
  boolean requestResponse() {
    if (responseActive || responseRequested) {
      return false;
    }
    responseRequested = true;
    return true;
  }

  /** A response was asked for again, whatever this believed was under way. */
  void requestedAgain() {
    responseRequested = true;
  }

  boolean responseActive() {
    return responseActive;
  }

  /** No response under way or asked for (the user may be speaking: turn detection decides nothing here). */
  boolean noResponse() {
    return !responseActive && !responseRequested;
  }

  /** Neither answering nor hearing speech: a moment when switching to a new upstream loses nothing. */
  boolean quiet() {
    return !responseActive && !speaking;
  }
}
