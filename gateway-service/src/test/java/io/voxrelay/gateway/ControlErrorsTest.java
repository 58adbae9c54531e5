package io.voxrelay.gateway;

import io.voxrelay.common.bus.BusFailure;
import io.voxrelay.common.bus.Control;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ControlErrors: a failed control becomes a code the client can act on, and no internals")
class ControlErrorsTest {

  private static ReplyException refused(int code, String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }

  @Test
  @DisplayName("a refusal keeps its message; a fault says to try again and hides its cause")
  void mapping() {
    assertThat(ControlErrors.code(refused(BusFailure.CONFLICT, "the interview is paused"))).isEqualTo("invalid_state");
    assertThat(ControlErrors.message(Control.TEXT, refused(BusFailure.CONFLICT, "the interview is paused")))
        .isEqualTo("the interview is paused");
    assertThat(ControlErrors.code(refused(BusFailure.GONE, "ended"))).isEqualTo("session_ended");
    ReplyException timeout = new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 5000(ms) for a reply");
    assertThat(ControlErrors.code(timeout)).isEqualTo("unavailable");
    assertThat(ControlErrors.message(Control.NEXT_QUESTION, timeout))
        .isEqualTo("'next_question' could not be carried out now; try again");
    assertThat(ControlErrors.message(Control.PAUSE, new IllegalStateException("jdbc:postgresql://secret-host")))
        .doesNotContain("secret");
    assertThat(ControlErrors.code(new IllegalStateException("x"))).isEqualTo("unavailable");
  }
}
