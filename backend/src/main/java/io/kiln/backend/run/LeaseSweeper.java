package io.kiln.backend.run;

import io.kiln.backend.common.Conflicts;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Checks for lost leases every few seconds; forgives the time the backend itself was down. */
@ApplicationScoped
public class LeaseSweeper {
  private static final Logger LOG = Logger.getLogger(LeaseSweeper.class);
  private final RunLeases leases;

  LeaseSweeper(RunLeases leases) {
    this.leases = leases;
  }

  void onStart(@Observes StartupEvent event) {
    int extended = leases.extendAllLeases();
    if (extended > 0) {
      LOG.infof(
          "%d runs were in progress when the backend stopped; waiting for their agents to reconnect",
          extended);
    }
  }

  @Scheduled(every = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    for (long runId : leases.expiredLeases()) {
      Conflicts.retry(() -> leases.expire(runId));
    }
  }
}
