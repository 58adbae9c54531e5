package io.voxrelay.relay;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("RateLimitBackoff: an answer refused for the upstream's rate limit is asked for again later")
class RateLimitBackoffTest {

  private static UpstreamEvent.RateLimits limits(long tokensRemaining, double resetSeconds) {
    return new UpstreamEvent.RateLimits(List.of(new UpstreamEvent.RateLimits.Limit("requests", 100, 90, 0.01),
        new UpstreamEvent.RateLimits.Limit("tokens", 1000, tokensRemaining, resetSeconds)));
  }

  @Test
  @DisplayName("1 s, doubling, at most 30 s; a completed response clears it")
  void exponential() {
    RateLimitBackoff backoff = new RateLimitBackoff();
    assertThat(backoff.waitMs(0)).isZero();
    assertThat(backoff.refused(10_000)).isEqualTo(1_000);
    assertThat(backoff.waitMs(10_400)).isEqualTo(600);
    assertThat(backoff.waitMs(11_000)).isZero();
    assertThat(backoff.refused(20_000)).isEqualTo(2_000);
    assertThat(backoff.refused(30_000)).isEqualTo(4_000);
    for (int i = 0; i < 10; i++) {
      backoff.refused(40_000);
    }
    assertThat(backoff.refused(50_000)).isEqualTo(RateLimitBackoff.MAX_DELAY_MS);
    backoff.cleared();
    assertThat(backoff.waitMs(50_001)).isZero();
    assertThat(backoff.refused(60_000)).isEqualTo(1_000);
  }

  @Test
  @DisplayName("an exhausted limit's announced reset is waited out when it is longer; one with room left is not")
  void announcedReset() {
    RateLimitBackoff backoff = new RateLimitBackoff();
    backoff.announced(limits(0, 7.5));
    assertThat(backoff.refused(0)).isEqualTo(7_500);
    backoff.announced(limits(500, 45));
    assertThat(backoff.refused(0)).as("room left: only the backoff").isEqualTo(2_000);
    backoff.announced(limits(0, 600));
    assertThat(backoff.refused(0)).as("bounded").isEqualTo(RateLimitBackoff.MAX_DELAY_MS);
  }

  @Test
  @DisplayName("GA's rate_limits.updated and a response that failed for the rate limit are read as such")
  void parsed() {
    UpstreamEvent limits = UpstreamEvent.of(io.voxrelay.common.json.Json.parse("{\"type\":\"rate_limits.updated\","
        + "\"event_id\":\"e1\",\"rate_limits\":[{\"name\":\"tokens\",\"limit\":400000,\"remaining\":0,"
        + "\"reset_seconds\":1.5}]}"));
    assertThat(limits).isEqualTo(new UpstreamEvent.RateLimits(List.of(
        new UpstreamEvent.RateLimits.Limit("tokens", 400_000, 0, 1.5))));
    UpstreamEvent done = UpstreamEvent.of(io.voxrelay.common.json.Json.parse("{\"type\":\"response.done\","
        + "\"response\":{\"id\":\"resp_1\",\"status\":\"failed\",\"status_details\":{\"type\":\"failed\","
        + "\"error\":{\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}}}"));
    assertThat(((UpstreamEvent.ResponseDone) done).rateLimited()).isTrue();
    UpstreamEvent cancelled = UpstreamEvent.of(io.voxrelay.common.json.Json.parse("{\"type\":\"response.done\","
        + "\"response\":{\"id\":\"resp_2\",\"status\":\"cancelled\",\"status_details\":{\"type\":\"cancelled\","
        + "\"reason\":\"turn_detected\"}}}"));
    assertThat(((UpstreamEvent.ResponseDone) cancelled).rateLimited()).isFalse();
  }
}
