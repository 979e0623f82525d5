package io.kiln.backend.advice;

import io.kiln.backend.common.Conflicts;
import io.kiln.backend.metrics.MetricEvents;
import io.kiln.backend.run.RunEvents;
import io.kiln.core.protocol.MetricKind;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * When the advisor looks at a run: at queueing (rules about the recipe alone, A8, A9), after every
 * epoch, at the first non-finite step loss (divergence, A4 — at once, not at the epoch's end), and
 * when the run ends (then the autopilot may act, on a success or a follow-up run's failure).
 * Evaluations run one at a time off the ingesting thread, so agents are never slowed by the
 * advisor.
 */
@ApplicationScoped
class AdviceTrigger {
  private static final Logger LOG = Logger.getLogger(AdviceTrigger.class);
  private final AdviceService advice;
  private final Autopilot autopilot;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kiln-advisor");
            t.setDaemon(true);
            return t;
          });

  AdviceTrigger(AdviceService advice, Autopilot autopilot) {
    this.advice = advice;
    this.autopilot = autopilot;
  }

  void onQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.Queued event) {
    submit(event.runId(), false);
  }

  void onMetric(@Observes(during = TransactionPhase.AFTER_SUCCESS) MetricEvents event) {
    boolean epoch = MetricKind.EPOCH.equals(event.point().kind());
    boolean nonFinite =
        event.point().values().values().stream().anyMatch(v -> v == null || !Double.isFinite(v));
    if (epoch || nonFinite) {
      submit(event.runId(), false);
    }
  }

  void onRun(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.Changed event) {
    String state = event.run().state();
    if ("succeeded".equals(state) || "failed".equals(state)) {
      submit(event.run().id(), true);
    }
  }

  private void submit(long runId, boolean ended) {
    worker.submit(
        () -> {
          try {
            advice.evaluate(runId);
            if (ended) {
              // The run row may be updated concurrently (late reports, sweeper): retry a lost race.
              Conflicts.retry(() -> autopilot.afterEnd(runId));
            }
          } catch (RuntimeException e) {
            LOG.warnf(e, "advisor on run %d failed", runId);
          }
        });
  }

  void stop(@Observes ShutdownEvent event) {
    worker.shutdownNow();
  }
}
