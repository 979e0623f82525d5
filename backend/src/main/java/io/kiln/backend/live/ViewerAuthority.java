package io.kiln.backend.live;

import io.kiln.backend.auth.AuthorityChanged;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.cluster.ClusterBus;
import io.kiln.backend.cluster.ClusterMessage;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.run.RunService;
import io.kiln.core.i18n.Text;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Open run sockets follow the authority of the person behind them: a socket is authorised when it
 * opens, and again whenever a person's role, teams, account or sessions change ({@link
 * AuthorityChanged}, here and on every other replica through {@link ClusterBus}), and every {@value
 * #EVERY} as well (a session that expires, a message a replica missed). A viewer whose session has
 * ended is told so and closed with 4401; one who may no longer see the run with 4403. Neither
 * receives anything more.
 */
@ApplicationScoped
class ViewerAuthority {
  static final String TOPIC = "live.authority";
  static final String EVERY = "15s";

  private final LiveHub hub;
  private final Callers callers;
  private final RunService runs;
  private final ClusterBus bus;
  private final Vertx vertx;

  ViewerAuthority(LiveHub hub, Callers callers, RunService runs, ClusterBus bus, Vertx vertx) {
    this.hub = hub;
    this.callers = callers;
    this.runs = runs;
    this.bus = bus;
    this.vertx = vertx;
  }

  /** In the changing transaction: the other replicas hear of it at its commit. */
  void tellReplicas(@Observes AuthorityChanged change) {
    bus.publish(TOPIC, bus.body().put("user", change.username()));
  }

  void changedHere(@Observes(during = TransactionPhase.AFTER_SUCCESS) AuthorityChanged change) {
    recheckSoon();
  }

  void changedElsewhere(@Observes ClusterMessage message) {
    if (TOPIC.equals(message.topic())) {
      recheckSoon();
    }
  }

  @Scheduled(every = EVERY, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void periodically() {
    recheck();
  }

  private void recheckSoon() {
    vertx.executeBlocking(this::recheck, false);
  }

  /**
   * Checks every viewer connected here against the database: once per session and run. Returns how
   * many were closed.
   */
  int recheck() {
    Map<Long, List<Viewer>> all = hub.viewers();
    Map<String, Optional<Caller>> sessions = new HashMap<>();
    int closed = 0;
    for (Map.Entry<Long, List<Viewer>> run : all.entrySet()) {
      long runId = run.getKey();
      Map<String, Boolean> seesRun = new HashMap<>();
      for (Viewer viewer : run.getValue()) {
        if (viewer.closed()) {
          continue;
        }
        Optional<Caller> caller = sessions.computeIfAbsent(viewer.session(), callers::forSession);
        Text refusal =
            caller.isEmpty()
                ? Text.of("live.sessionEnded")
                : seesRun.computeIfAbsent(viewer.session(), s -> sees(runId, caller.get()))
                    ? null
                    : Text.of("live.runHidden");
        if (refusal != null) {
          String message = refusal.in(viewer.locale());
          boolean ended = caller.isEmpty();
          viewer.refuse(
              hub.encode(new LiveMessage.Error(message)),
              ended ? 4401 : 4403,
              ended ? "session ended" : "run not visible");
          hub.remove(runId, viewer);
          closed++;
        }
      }
    }
    return closed;
  }

  private boolean sees(long runId, Caller caller) {
    try {
      runs.get(runId, caller);
      return true;
    } catch (ApiException e) {
      return e.status() != 404;
    }
  }
}
