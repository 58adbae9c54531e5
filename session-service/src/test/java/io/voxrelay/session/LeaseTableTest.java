package io.voxrelay.session;

import io.voxrelay.common.bus.LeaseGrant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The session service's lease and claim rules, on a clock moved by hand (the store's clock, in ms). */
@DisplayName("LeaseTable")
class LeaseTableTest {

  private static final long TTL = 3_000;
  private final LeaseTable table = new LeaseTable(TTL);
  private long now = 1_000_000;

  @Test
  @DisplayName("grant: a relay's first renewal gets a new lease for one time to live, not continued")
  void grant() {
    LeaseTable.Renewal first = table.renew(null, "relay-a", 0, now);
    assertThat(first.grant()).isEqualTo(new LeaseGrant(1, TTL, false));
    assertThat(first.lease().expiresAt()).isEqualTo(now + TTL);
    assertThat(LeaseTable.live(first.lease(), now + TTL)).isTrue();
    assertThat(LeaseTable.live(first.lease(), now + TTL + 1)).isFalse();
  }

  @Test
  @DisplayName("renew: the lease named goes on, continued, for one time to live from the renewal")
  void renew() {
    LeaseTable.Lease lease = table.renew(null, "relay-a", 0, now).lease();
    now += 1_000;
    LeaseTable.Renewal renewal = table.renew(lease, "relay-a", lease.leaseId(), now);
    assertThat(renewal.grant()).isEqualTo(new LeaseGrant(lease.leaseId(), TTL, true));
    assertThat(renewal.lease().expiresAt()).isEqualTo(now + TTL);
  }

  @Test
  @DisplayName("expiry: a lease not renewed within its time to live runs out; its renewal then gets a new lease")
  void expiry() {
    LeaseTable.Lease lease = table.renew(null, "relay-a", 0, now).lease();
    now += TTL + 1;
    assertThat(LeaseTable.live(lease, now)).isFalse();
    LeaseTable.Renewal late = table.renew(lease, "relay-a", lease.leaseId(), now);
    assertThat(late.grant().continued()).as("the relay must check its claims").isFalse();
    assertThat(late.grant().leaseId()).isGreaterThan(lease.leaseId());
    // A lease a claim ended (its row deleted) is not continued either, whatever the relay names.
    assertThat(table.renew(null, "relay-a", late.grant().leaseId(), now).grant().continued()).isFalse();
    // Nor one the relay names wrongly (an answer it never got).
    assertThat(table.renew(late.lease(), "relay-a", lease.leaseId(), now).grant().continued()).isFalse();
  }

  @Test
  @DisplayName("claims: a live holder keeps its session unless it disowned it; a run-out one loses it and its lease")
  void claims() {
    LeaseTable.Lease a = table.renew(null, "relay-a", 0, now).lease();
    LeaseTable.Lease b = table.renew(null, "relay-b", 0, now).lease();
    assertThat(LeaseTable.mayClaim("relay-b", b, null, null, null, false, now)).as("a session no relay holds").isTrue();
    assertThat(LeaseTable.mayClaim("relay-a", a, "relay-a", a, null, false, now)).as("a claim sent again").isTrue();
    assertThat(LeaseTable.mayClaim("relay-b", b, "relay-a", a, "relay-a", false, now))
        .as("a holder merely slow to answer keeps it").isFalse();
    assertThat(LeaseTable.mayClaim("relay-b", b, "relay-a", a, "relay-a", true, now))
        .as("a holder that said it no longer holds it").isTrue();
    assertThat(LeaseTable.mayClaim("relay-b", b, "relay-a", a, "relay-c", true, now))
        .as("disowned by another relay than the holder").isFalse();
    assertThat(LeaseTable.mayClaim("relay-b", b, null, null, "relay-a", true, now))
        .as("let go since the claimant looked (it awaits resume)").isFalse();

    now += TTL + 1;
    LeaseTable.Lease bRenewed = table.renew(b, "relay-b", b.leaseId(), now).lease();
    assertThat(LeaseTable.mayClaim("relay-b", bRenewed, "relay-a", a, "relay-a", false, now))
        .as("the holder's lease ran out").isTrue();
    assertThat(LeaseTable.endsHolderLease("relay-b", "relay-a", a, now)).isTrue();
    assertThat(LeaseTable.mayClaim("relay-a", a, null, null, null, false, now))
        .as("a claimant without a valid lease claims nothing").isFalse();
  }

  @Test
  @DisplayName("a stale write is refused: an epoch older than the session's; a writer without a claim is never stale")
  void staleWrites() {
    assertThat(LeaseTable.stale(3, 4)).isTrue();
    assertThat(LeaseTable.stale(4, 4)).isFalse();
    assertThat(LeaseTable.stale(0, 4)).as("no claim (a gateway's write)").isFalse();
    assertThat(LeaseTable.current("relay-a", 4, "relay-a", 4)).isTrue();
    assertThat(LeaseTable.current("relay-a", 3, "relay-a", 4)).isFalse();
    assertThat(LeaseTable.current("relay-a", 4, "relay-b", 4)).isFalse();
    assertThat(LeaseTable.givesBack("relay-a", 0, "relay-a", 4)).as("whatever its claim").isTrue();
    assertThat(LeaseTable.givesBack("relay-a", 3, "relay-a", 4)).as("an older claim").isFalse();
    assertThat(LeaseTable.lost("relay-a", 4, "relay-a", 4L)).isFalse();
    assertThat(LeaseTable.lost("relay-a", 4, "relay-a", 5L)).as("claimed since").isTrue();
    assertThat(LeaseTable.lost("relay-a", 4, "relay-b", 5L)).as("another holder").isTrue();
    assertThat(LeaseTable.lost("relay-a", 4, null, null)).as("gone").isTrue();
  }

  @Test
  @DisplayName("an outage of the grantor: every lease valid when it began runs one more time to live")
  void outage() {
    LeaseTable.Lease a = table.renew(null, "relay-a", 0, now).lease();
    LeaseTable.Lease old = new LeaseTable.Lease("relay-old", 7, now - 10_000);
    long lastRenewalAt = now;
    now += 5_000; // the session service was down for 5 s: nobody could renew
    assertThat(table.outage(lastRenewalAt, now)).isTrue();
    assertThat(table.outage(lastRenewalAt, lastRenewalAt + TTL)).as("a silence within a time to live").isFalse();
    LeaseTable.Lease honoured = table.honoured(a, lastRenewalAt, now);
    assertThat(LeaseTable.live(honoured, now + TTL)).as("relay-a gets one more time to live").isTrue();
    assertThat(table.honoured(old, lastRenewalAt, now)).as("ran out before the outage: stays out").isSameAs(old);
    assertThat(table.renew(honoured, "relay-a", a.leaseId(), now + 1_000).grant().continued())
        .as("its renewal after the outage continues it").isTrue();
  }
}
