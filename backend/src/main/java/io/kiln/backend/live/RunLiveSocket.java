package io.kiln.backend.live;

import io.kiln.backend.advice.AdviceService;
import io.kiln.backend.advice.AdviceView;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Languages;
import io.kiln.backend.common.RouteErrors;
import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.RunService;
import io.kiln.backend.run.RunView;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * {@code /ws/runs/{id}?afterSeq=N}: a browser's live view of one run. On connect it receives a
 * snapshot (the run and every point after N), then each new point and state change. A browser that
 * reconnects passes the last sequence number it has and so backfills exactly what it missed.
 */
@ApplicationScoped
public class RunLiveSocket {
  private static final Logger LOG = Logger.getLogger(RunLiveSocket.class);
  private final LiveHub hub;
  private final AdviceService advice;
  private final RunService runs;
  private final MetricService metrics;
  private final Vertx vertx;

  RunLiveSocket(
      LiveHub hub, RunService runs, MetricService metrics, AdviceService advice, Vertx vertx) {
    this.hub = hub;
    this.advice = advice;
    this.runs = runs;
    this.metrics = metrics;
    this.vertx = vertx;
  }

  void routes(@Observes Router router) {
    router.route("/ws/runs/:id").handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    SecurityIdentity identity =
        ctx.user() instanceof QuarkusHttpUser user ? user.getSecurityIdentity() : null;
    if (identity == null || identity.isAnonymous()) {
      reject(ctx, 401, "log in first");
      return;
    }
    if (!isPerson(identity)) {
      reject(ctx, 403, "only people watch runs: an agent credential cannot");
      return;
    }
    long runId;
    long afterSeq;
    try {
      runId = Long.parseLong(ctx.pathParam("id"));
      String after = ctx.request().getParam("afterSeq");
      afterSeq = after == null || after.isBlank() ? -1 : Long.parseLong(after);
    } catch (NumberFormatException e) {
      reject(ctx, 400, "run id and afterSeq must be numbers");
      return;
    }
    Caller caller = Caller.of(identity, null);
    String session = Callers.token(ctx);
    String lang = ctx.request().getParam("lang");
    Locale locale =
        lang == null ? Locale.ENGLISH : Languages.of(List.of(Locale.forLanguageTag(lang)));
    io.vertx.core.Future<io.vertx.core.http.ServerWebSocket> upgraded;
    try {
      upgraded = ctx.request().toWebSocket();
    } catch (IllegalStateException gone) {
      // The browser left before the upgrade (e.g. a run page closed right after launch): the
      // request was already ended, so there is nobody to answer.
      LOG.debugf("run %d live upgrade abandoned by the client: %s", runId, gone.getMessage());
      return;
    }
    upgraded
        .onSuccess(
            socket -> {
              Viewer viewer = new Viewer(socket, Vertx.currentContext(), locale, session);
              List<RunLine.Sent> before = hub.add(runId, viewer);
              socket.closeHandler(v -> hub.remove(runId, viewer));
              vertx
                  .executeBlocking(() -> snapshot(runId, afterSeq, caller), false)
                  .onComplete(
                      result -> {
                        if (result.succeeded()) {
                          Snapshot s = result.result();
                          viewer.goLive(
                              hub.encode(
                                  new LiveMessage.Snapshot(s.run(), s.metrics(), s.suggestions())
                                      .in(locale)),
                              s.maxSeq(),
                              before);
                        } else {
                          String message =
                              result.cause() instanceof ApiException api
                                  ? api.message(locale)
                                  : "cannot load the run";
                          socket.writeTextMessage(hub.encode(new LiveMessage.Error(message)));
                          socket.close((short) 4404, message);
                          hub.remove(runId, viewer);
                        }
                      });
            })
        .onFailure(e -> LOG.debugf("run %d live upgrade failed: %s", runId, e.getMessage()));
  }

  private record Snapshot(
      RunView run, List<MetricView> metrics, List<AdviceView> suggestions, long maxSeq) {}

  private Snapshot snapshot(long runId, long afterSeq, Caller caller) {
    RunView run = runs.get(runId, caller);
    List<MetricView> points = metrics.list(runId, afterSeq);
    long max = points.isEmpty() ? afterSeq : points.get(points.size() - 1).seq();
    return new Snapshot(run, points, advice.list(runId), max);
  }

  private static boolean isPerson(SecurityIdentity identity) {
    return identity != null && !identity.isAnonymous() && identity.hasRole("user");
  }

  private static void reject(RoutingContext ctx, int status, String message) {
    RouteErrors.end(ctx, status, message);
  }
}
