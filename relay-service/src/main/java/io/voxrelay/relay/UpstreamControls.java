package io.voxrelay.relay;

import io.voxrelay.common.bus.UpstreamOptions;

import io.voxrelay.common.bus.Control;

/**
 * What each client control means upstream, as the Realtime client events that carry it out on a link. The
 * session state after the control ({@link ConversationState}) decides the configuration sent.
 */
final class UpstreamControls {

  private UpstreamControls() {
  }

  /** Carries out {@code control} on {@code link}; a system turn it adds is expected to be answered. */
  static void apply(UpstreamChannel link, Control control, ConversationState state, UpstreamOptions defaults, TurnTaking turns) {
    switch (control) {
      case PAUSE -> {
        // Order matters: first stop turn detection from answering, then drop buffered audio and any answer.
        link.send(RealtimeClientEvents.sessionUpdate(state, defaults));
        link.send(RealtimeClientEvents.inputAudioBufferClear());
        if (link.activity().responseActive()) {
          link.send(RealtimeClientEvents.responseCancel());
        }
      }
      case RESUME, TEXT_ONLY_ON, TEXT_ONLY_OFF -> link.send(RealtimeClientEvents.sessionUpdate(state, defaults));
      case NEXT_QUESTION -> {
        String itemId = RealtimeClientEvents.newItemId();
        link.send(RealtimeClientEvents.sessionUpdate(state, defaults));
        link.send(RealtimeClientEvents.conversationItemCreate(itemId, "system", InterviewPrompt.movedOn(state)));
        if (!state.gated()) {
          if (link.activity().responseActive()) {
            link.send(RealtimeClientEvents.responseCancel());
          }
          turns.expect(itemId);
        }
      }
      default -> throw new IllegalStateException("control " + control + " is not carried out on a link");
    }
  }
}
