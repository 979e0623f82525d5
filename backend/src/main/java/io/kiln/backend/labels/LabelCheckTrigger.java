package io.kiln.backend.labels;

import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunEvents;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.OptimisticLockException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * When a label check is settled: as soon as one of its fold runs ends (off the ingesting thread),
 * and every half minute for any check still running, so one whose last fold ended while this
 * backend was down, or on another replica, is settled all the same.
 */
@ApplicationScoped
class LabelCheckTrigger {
  private static final Logger LOG = Logger.getLogger(LabelCheckTrigger.class);
  private static final java.util.Set<String> ENDED =
      java.util.Set.of("succeeded", "failed", "cancelled");
  private final LabelCheckSettle settle;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kiln-label-check");
            t.setDaemon(true);
            return t;
          });

  LabelCheckTrigger(LabelCheckSettle settle) {
    this.settle = settle;
  }

  void onRun(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.Changed event) {
    if (ENDED.contains(event.run().state())) {
      long runId = event.run().id();
      worker.submit(
          () -> {
            Long checkId =
                QuarkusTransaction.requiringNew()
                    .call(
                        () -> {
                          Run run = Run.findById(runId);
                          return run == null ? null : run.labelCheckId;
                        });
            if (checkId != null) {
              settleQuietly(checkId);
            }
          });
    }
  }

  @Scheduled(
      every = "30s",
      delayed = "10s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    List<Long> running =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    LabelCheck.<LabelCheck>list("state", LabelCheck.RUNNING).stream()
                        .map(c -> c.id)
                        .toList());
    running.forEach(this::settleQuietly);
  }

  private void settleQuietly(long checkId) {
    try {
      settle.settle(checkId);
    } catch (OptimisticLockException e) {
      // Another replica settled it first.
    } catch (RuntimeException e) {
      if (e.getCause() instanceof OptimisticLockException) {
        return;
      }
      LOG.warnf(e, "label check %d could not be settled", checkId);
    }
  }

  void stop(@Observes ShutdownEvent event) {
    worker.shutdownNow();
  }
}
