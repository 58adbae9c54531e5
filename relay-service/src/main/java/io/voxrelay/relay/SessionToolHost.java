package io.voxrelay.relay;

import io.voxrelay.common.bus.SessionTools;
import io.voxrelay.common.bus.Turn;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What one relay session gives its tool calls: its tools, its history, its turn-taking and its upstream link. */
final class SessionToolHost implements ToolCalls.Host {

  private final ConversationState state;
  private final TurnRecorder recorder;
  private final TurnTaking turns;
  private final BooleanSupplier closed;
  private final Supplier<UpstreamLink> link;

  /**
   * @param closed whether the session's upstream closed for good
   * @param link   the session's current link (null while it reconnects)
   */
  SessionToolHost(ConversationState state, TurnRecorder recorder, TurnTaking turns, BooleanSupplier closed,
                  Supplier<UpstreamLink> link) {
    this.state = state;
    this.recorder = recorder;
    this.turns = turns;
    this.closed = closed;
    this.link = link;
  }

  @Override
  public SessionTools tools() {
    return state.tools();
  }

  @Override
  public void record(Turn turn, String clientEvent) {
    recorder.recordWith(turn, clientEvent);
  }

  @Override
  public UpstreamChannel link() {
    return closed.getAsBoolean() ? null : link.get();
  }

  @Override
  public void expect(String itemId) {
    turns.expect(itemId);
  }

  @Override
  public void progress() {
    if (!closed.getAsBoolean()) {
      turns.progress(link.get());
    }
  }
}
