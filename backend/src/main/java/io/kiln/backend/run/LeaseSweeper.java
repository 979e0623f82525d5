package io.kiln.backend.run;

import io.kiln.backend.cluster.ClusterSchedule;
import io.kiln.backend.common.Conflicts;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Checks for lost leases every few seconds, once across the backend replicas; forgives the time the
 * backend itself was down.
 */
@ApplicationScoped
public class LeaseSweeper {
  private static final Logger LOG = Logger.getLogger(LeaseSweeper.class);
  static final String TASK = "lease-sweep";
  private static final Duration EVERY = Duration.ofSeconds(2);
  private final RunLeases leases;
  private final ClusterSchedule schedule;

  LeaseSweeper(RunLeases leases, ClusterSchedule schedule) {
    this.leases = leases;
    this.schedule = schedule;
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
    if (!schedule.claim(TASK, EVERY)) {
      return; // another replica swept just now
    }
    for (long runId : leases.expiredLeases()) {
      Conflicts.retry(() -> leases.expire(runId));
    }
  }
}
