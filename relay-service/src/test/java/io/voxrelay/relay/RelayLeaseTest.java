package io.voxrelay.relay;

import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.config.LeaseConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a relay may act on its sessions, on a clock moved by hand. */
@DisplayName("RelayLease")
class RelayLeaseTest {

  private static final LeaseConfig CONFIG = new LeaseConfig(3_000, 500, 5_000);
  private long now = 50_000;
  private final RelayLease lease = new RelayLease(CONFIG, () -> now);

  /** One renewal on schedule, answered at once. */
  private boolean renewAnswered(LeaseGrant grant) {
    return lease.granted(lease.sending(), grant);
  }

  private void checked() {
    lease.claimsChecked(lease.leaseId());
  }

  @Test
  @DisplayName("grant: nothing before the first lease; a new lease waits for the claims check")
  void grant() {
    assertThat(lease.mayAct()).isFalse();
    assertThat(renewAnswered(new LeaseGrant(1, 3_000, false))).as("a new lease: check the claims").isTrue();
    assertThat(lease.mayAct()).isFalse();
    checked();
    assertThat(lease.mayAct()).isTrue();
    assertThat(lease.leaseId()).isEqualTo(1);
  }

  @Test
  @DisplayName("renew: a continued lease runs from when its renewal was sent, less the margin")
  void renew() {
    renewAnswered(new LeaseGrant(1, 3_000, false));
    checked();
    for (int i = 0; i < 5; i++) {
      now += 1_000;
      assertThat(renewAnswered(new LeaseGrant(1, 3_000, true))).isFalse();
      assertThat(lease.mayAct()).isTrue();
    }
    long sentAt = lease.sending();
    now += 2_400; // answered late: valid until sentAt + 3 000 - 500
    lease.granted(sentAt, new LeaseGrant(1, 3_000, true));
    assertThat(lease.mayAct()).isTrue();
    // No renewal goes out after it (a stall: no outage allowance), so the lease alone decides.
    now = sentAt + 2_499;
    assertThat(lease.mayAct()).isTrue();
    now = sentAt + 2_500;
    assertThat(lease.mayAct()).as("counted from when the renewal was sent, less the margin").isFalse();
  }

  @Test
  @DisplayName("expiry: a refused renewal (a new lease) stops the relay until its claims are checked")
  void expiry() {
    renewAnswered(new LeaseGrant(1, 3_000, false));
    checked();
    now += 1_000;
    assertThat(renewAnswered(new LeaseGrant(2, 3_000, false))).isTrue();
    assertThat(lease.mayAct()).as("another relay may have its sessions").isFalse();
    lease.claimsChecked(1);
    assertThat(lease.mayAct()).as("a check under the lease before does not count").isFalse();
    checked();
    assertThat(lease.mayAct()).isTrue();
    assertThat(lease.granted(now - 500, new LeaseGrant(1, 3_000, true))).as("a late answer about lease 1").isFalse();
    assertThat(lease.leaseId()).isEqualTo(2);
  }

  @Test
  @DisplayName("an outage: renewals sent on schedule and unanswered keep the relay acting for the allowance, no longer")
  void outage() {
    renewAnswered(new LeaseGrant(1, 3_000, false));
    checked();
    long lastGrantSentAt = now;
    for (int i = 0; i < 7; i++) {
      now += 1_000;
      lease.sending(); // unanswered
    }
    // valid until lastGrantSentAt + 2 500, then 5 000 more
    now = lastGrantSentAt + 7_499;
    assertThat(lease.mayAct()).isTrue();
    now = lastGrantSentAt + 7_500;
    assertThat(lease.mayAct()).isFalse();
    lease.takeRefusals();
    now += 500;
    assertThat(renewAnswered(new LeaseGrant(1, 3_000, true))).as("the grantor honoured the lease").isFalse();
    assertThat(lease.takeRefusals()).as("what waited is taken up again").isTrue();
    assertThat(lease.takeRefusals()).isFalse();
  }

  @Test
  @DisplayName("a relay that stalls past its lease and runs again acts on nothing until a renewal sent after it is granted")
  void stall() {
    renewAnswered(new LeaseGrant(1, 3_000, false));
    checked();
    now += 1_000;
    renewAnswered(new LeaseGrant(1, 3_000, true));
    now += 4_000; // frozen: no renewal went out
    assertThat(lease.mayAct()).as("its lease ran out while it was frozen").isFalse();
    lease.sending();
    assertThat(lease.mayAct()).as("a renewal sent, unanswered: no outage allowance after a stall").isFalse();
    now += 1_000;
    long sentAfter = lease.sending();
    assertThat(lease.mayAct()).isFalse();
    now += 100;
    assertThat(lease.granted(sentAfter, new LeaseGrant(2, 3_000, false))).as("the grantor let it run out").isTrue();
    assertThat(lease.mayAct()).isFalse();
    checked();
    assertThat(lease.mayAct()).isTrue();
  }

  @Test
  @DisplayName("a session named lost stays lost unless the relay claimed it again since")
  void lostClaims() {
    assertThat(RelayLease.stillLost(4, 4)).isTrue();
    assertThat(RelayLease.stillLost(5, 4)).as("claimed again under a newer epoch meanwhile").isFalse();
  }
}
