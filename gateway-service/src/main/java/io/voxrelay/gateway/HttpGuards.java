package io.voxrelay.gateway;

import io.voxrelay.common.protocol.SessionIds;
import io.voxrelay.common.text.LogSafe;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checks every HTTP route makes before it reads a body: the credentials, the session id's form, the
 * content type, and a body bounded before it is read, held in memory, never written to a file. Every refusal
 * and every failure is a JSON error ({@link HttpErrors}).
 */
final class HttpGuards {

  private static final Logger LOG = LoggerFactory.getLogger(HttpGuards.class);

  private HttpGuards() {
  }

  /** Refuses with 401 before anything is read, unless the caller presents the API key. */
  static Handler<RoutingContext> credentials(ApiKeyCheck check) {
    return ctx -> {
      if (check.admitOrRefuse(ctx)) {
        ctx.next();
      }
    };
  }

  /**
   * A path's session id must have the form of one: anything else names no session and is answered 404, as an
   * unknown session is, without being used or logged.
   */
  static Handler<RoutingContext> sessionIdForm() {
    return ctx -> {
      if (SessionIds.isWellFormed(ctx.pathParam("sessionId"))) {
        ctx.next();
      } else {
        HttpErrors.send(ctx, 404, "not_found", "no such session");
      }
    };
  }

  /** A browser page from an origin not allowed ({@link BrowserOrigins}) is refused with 403. */
  static Handler<RoutingContext> origin(BrowserOrigins origins) {
    return ctx -> {
      if (origins.allows(ctx.request().getHeader("Origin"), ctx.request().getHeader("Host"))) {
        ctx.next();
      } else {
        HttpErrors.send(ctx, 403, "forbidden_origin", "this page's origin may not use this gateway");
      }
    };
  }

  /**
   * Only a JSON body (or, for browsers' beacons, plain text) is read; a request that names no content type is
   * read as JSON; anything else (a form, a multipart upload) is 415.
   */
  static Handler<RoutingContext> jsonBody(boolean plainTextToo) {
    return ctx -> {
      String declared = ctx.request().getHeader("Content-Type");
      String type = declared == null ? "application/json" : declared.toLowerCase();
      if (type.startsWith("application/json") || (plainTextToo && type.startsWith("text/plain"))) {
        ctx.next();
      } else {
        HttpErrors.send(ctx, 415, "unsupported_media_type",
            plainTextToo ? "send application/json or text/plain" : "send application/json");
      }
    };
  }

  /**
   * Reads a body of at most {@code maxBytes} into memory: a declared length over it is refused before a byte
   * is read, a stream that grows past it as soon as it does (413). No file uploads.
   */
  static BodyHandler body(long maxBytes) {
    return BodyHandler.create(false).setBodyLimit(maxBytes).setHandleFileUploads(false)
        .setMergeFormAttributes(false).setDeleteUploadedFilesOnEnd(true);
  }

  /** Any failure on a route (a 413 from the body limit, an unexpected fault) as a JSON error. */
  static void failure(RoutingContext ctx) {
    int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
    if (status >= 500 && ctx.failure() != null) {
      // The path is the client's: logged escaped. The cause is ours, and says nothing the client sent.
      LOG.error("[Gateway] {} {} failed", ctx.request().method(), LogSafe.text(ctx.request().path()), ctx.failure());
    }
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    switch (status) {
      case 413 -> HttpErrors.send(ctx, 413, "payload_too_large", "the body is larger than this route accepts");
      case 404 -> HttpErrors.send(ctx, 404, "not_found", "no such resource");
      case 405 -> HttpErrors.send(ctx, 405, "method_not_allowed", "this route does not take that method");
      case 400 -> HttpErrors.send(ctx, 400, "invalid_request", "the request could not be read");
      default -> HttpErrors.send(ctx, status, status < 500 ? "invalid_request" : "internal_error",
          status < 500 ? "the request was refused" : "the server could not answer; try again");
    }
  }
}
