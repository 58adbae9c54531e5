package io.voxrelay.relay;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("LinkActivity: one response at a time, and when the link is quiet")
class LinkActivityTest {

  private final LinkActivity activity = new LinkActivity();

  @Test
  @DisplayName("a response is asked for once until it begins and ends")
  void oneResponseAtATime() {
    assertThat(activity.noResponse()).isTrue();
    assertThat(activity.requestResponse()).isTrue();
    assertThat(activity.requestResponse()).as("already asked for").isFalse();
    assertThat(activity.noResponse()).isFalse();
    activity.observe(new UpstreamEvent.ResponseCreated(null));
    assertThat(activity.responseActive()).isTrue();
    assertThat(activity.quiet()).isFalse();
    activity.observe(new UpstreamEvent.ResponseDone("completed"));
    assertThat(activity.noResponse()).isTrue();
    assertThat(activity.requestResponse()).isTrue();
  }

  @Test
  @DisplayName("a request that lost the race with turn detection's own response may be made again")
  void lostRace() {
    activity.requestResponse();
    activity.observe(new UpstreamEvent.Failure("some_other_error", "m", null));
    assertThat(activity.noResponse()).as("another error does not settle the request").isFalse();
    activity.observe(new UpstreamEvent.Failure("conversation_already_has_active_response", "m", null));
    assertThat(activity.noResponse()).isTrue();
  }

  @Test
  @DisplayName("speech makes the link busy but not answering; its end or a cleared buffer make it quiet")
  void speech() {
    activity.observe(new UpstreamEvent.SpeechStarted());
    assertThat(activity.quiet()).isFalse();
    assertThat(activity.noResponse()).as("speech does not hold back an answer").isTrue();
    activity.observe(new UpstreamEvent.SpeechEnded(false));
    assertThat(activity.quiet()).isTrue();
    activity.observe(new UpstreamEvent.SpeechStarted());
    activity.observe(new UpstreamEvent.SpeechEnded(true));
    assertThat(activity.quiet()).isTrue();
  }
}
