package io.voxrelay.gateway;

import io.voxrelay.common.bus.BusRequests;
import io.voxrelay.common.bus.Control;
import io.voxrelay.common.bus.RelayControlRequest;
import io.voxrelay.common.bus.SessionControlReply;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;

/**
 * Sends one connection's controls to the relay its session is routed to, and keeps the typed turns a relay
 * accepted until the store has them ({@link AcceptedTexts}): the relay the session moves to gets those first,
 * in the order the client sent them, so a relay that dies with typed turns waiting loses none of them. Confined
 * to the gateway verticle's event loop; {@link ControlPipeline} runs one control at a time through it.
 */
final class ControlsAtRelay {

  private static final Logger LOG = LoggerFactory.getLogger(ControlsAtRelay.class);

  private final Vertx vertx;
  private final String sessionId;
  private final DeliveryOptions busOptions;
  private final RelayRoute route;
  private final BiConsumer<Control, Throwable> failed;
  private final AcceptedTexts acceptedTexts = new AcceptedTexts();

  /** @param failed tells the client a control failed (here: a typed turn sent again that no longer fits) */
  ControlsAtRelay(Vertx vertx, String sessionId, DeliveryOptions busOptions, RelayRoute route,
                  BiConsumer<Control, Throwable> failed) {
    this.vertx = vertx;
    this.sessionId = sessionId;
    this.busOptions = busOptions;
    this.route = route;
    this.failed = failed;
  }

  /** Whether any typed turn a relay accepted still waits for the store. */
  boolean holdsAcceptedTexts() {
    return acceptedTexts.size() > 0;
  }

  /**
   * Sends {@code apply} to the relay the session is routed to now, after the typed turns another relay accepted
   * and the store never got.
   */
  Future<SessionControlReply> request(RelayControlRequest apply) {
    String node = route.relayNode();
    String address = route.relayAddress();
    if (node == null) {
      return Future.failedFuture(new ReplyException(ReplyFailure.NO_HANDLERS, "no relay holds the session"));
    }
    return resendAcceptedElsewhere(node, address).compose(v -> ask(node, address, apply));
  }

  /** Sends {@code request} to relay {@code node} and notes what its answer says of the typed turns. */
  private Future<SessionControlReply> ask(String node, String address, RelayControlRequest request) {
    return BusRequests.<SessionControlReply>request(vertx, address, request, busOptions)
        .map(Message::body)
        .andThen(ar -> {
          if (ar.succeeded()) {
            answered(request, node, ar.result());
          }
        });
  }

  /** Sends the typed turns another relay accepted to the relay the session is routed to now (none: nothing). */
  Future<Void> resendAcceptedElsewhere() {
    String node = route.relayNode();
    return node == null ? Future.succeededFuture() : resendAcceptedElsewhere(node, route.relayAddress());
  }

  private Future<Void> resendAcceptedElsewhere(String node, String address) {
    Future<Void> done = Future.succeededFuture();
    for (RelayControlRequest lost : acceptedTexts.acceptedElsewhere(node)) {
      done = done.compose(v -> ask(node, address, lost)
          .<Void>map(reply -> {
            LOG.info("[Gateway] typed turn {} of {} sent again to relay {}: {}", lost.clientSeq(), sessionId, node,
                reply.session().lastClientSeq() >= lost.clientSeq() ? "the store had it" : "the relay before lost it");
            return null;
          })
          .recover(e -> {
            if (!ControlErrors.isRefusal(e)) {
              // Kept: it goes again before the next control, or at the next move.
              return Future.failedFuture(e);
            }
            // It no longer fits the session: it is settled, and the client hears of it as of any control.
            acceptedTexts.forget(lost.clientSeq());
            failed.accept(Control.TEXT, e);
            return Future.succeededFuture();
          }));
    }
    return done;
  }

  /**
   * A relay answered {@code request}: a typed turn it holds is kept until the store has it. (A duplicate is one
   * the relay has already: waiting, or stored if the client cursor in its answer has passed it.)
   */
  private void answered(RelayControlRequest request, String node, SessionControlReply reply) {
    if (request.control() == Control.TEXT) {
      acceptedTexts.accepted(request, node);
    }
    acceptedTexts.stored(reply.session().lastClientSeq());
  }
}
