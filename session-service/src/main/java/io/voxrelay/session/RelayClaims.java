package io.voxrelay.session;

import io.voxrelay.common.bus.Addresses;
import io.voxrelay.common.bus.BindRelay;
import io.voxrelay.common.bus.CheckClaims;
import io.voxrelay.common.bus.FindLiveRelays;
import io.voxrelay.common.bus.LeaseGrant;
import io.voxrelay.common.bus.LiveRelays;
import io.voxrelay.common.bus.LostClaims;
import io.voxrelay.common.bus.RelayClaim;
import io.voxrelay.common.bus.RenewLease;
import io.voxrelay.common.bus.UpstreamClosed;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static io.voxrelay.session.BusReplies.answer;

/**
 * The session service's side of relay leases and claims: which relay holds each session's upstream, under which
 * fencing epoch, and for how long its relay node is alive. A grant raises the epoch; whatever a relay reports
 * under an older one (a give-back, a closed upstream, stored events) is refused or ignored, so a relay
 * that lost its claim cannot touch the session. {@link LeaseTable} holds every rule.
 */
final class RelayClaims {

  private static final Logger LOG = LoggerFactory.getLogger(RelayClaims.class);

  private final SessionStore store;

  RelayClaims(SessionStore store) {
    this.store = store;
  }

  /** Registers this instance's consumers on the shared session-service addresses. */
  List<MessageConsumer<?>> register(EventBus bus) {
    return List.of(
        bus.<BindRelay>consumer(Addresses.SESSION_BIND_RELAY, m -> answer(m, "bind-relay", bind(m.body()))),
        bus.<RenewLease>consumer(Addresses.SESSION_RELAY_LEASE, m -> answer(m, "relay-lease", renew(m.body()))),
        bus.<FindLiveRelays>consumer(Addresses.SESSION_LIVE_RELAYS, m -> answer(m, "live-relays", liveRelays())),
        bus.<UpstreamClosed>consumer(Addresses.SESSION_UPSTREAM_CLOSED, m -> answer(m, "upstream-closed",
            upstreamClosed(m.body()))),
        bus.<CheckClaims>consumer(Addresses.SESSION_CHECK_CLAIMS, m -> answer(m, "check-claims", check(m.body()))));
  }

  /** A claim, or a give-back: {@link LeaseTable#mayClaim} and {@link LeaseTable#givesBack} decide. */
  Future<RelayClaim> bind(BindRelay request) {
    return store.claims().claim(request);
  }

  /** A relay node's lease renewal ({@link LeaseTable#renew}). */
  Future<LeaseGrant> renew(RenewLease renewal) {
    return store.claims().renewLease(renewal.relayNode(), renewal.leaseId());
  }

  /** The relay nodes with a valid lease: where gateways open sessions, and whose sessions stay put. */
  Future<LiveRelays> liveRelays() {
    return store.claims().liveRelays().map(LiveRelays::new);
  }

  /** The relay let its upstream go: the session awaits resume, unless the notice is about an older claim. */
  Future<Void> upstreamClosed(UpstreamClosed event) {
    return store.sessions().update(event.sessionId(), s -> LeaseTable.current(event.relayNode(), event.epoch(), s.relayNode(),
            s.relayEpoch()) ? s.toBuilder().relayNode(null).awaitingResume(!s.ended())
            .upstreamFailures(s.upstreamFailures() + (event.failed() ? 1 : 0)).build() : s)
        .onSuccess(s -> LOG.info("[SessionService] upstream of {} closed (epoch {}); awaiting resume: {}",
            s.sessionId(), event.epoch(), s.awaitingResume()))
        .mapEmpty();
  }

  /** The sessions among a relay's claims that it lost: claimed anew, no longer bound to it (terminated), or gone. */
  Future<LostClaims> check(CheckClaims check) {
    return store.claims().lostClaims(check.relayNode(), check.epochs()).map(LostClaims::new);
  }
}
