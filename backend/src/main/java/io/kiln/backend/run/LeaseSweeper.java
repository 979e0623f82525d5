package io.kiln.backend.run;

import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

/** Checks for lost leases every few seconds. */
@ApplicationScoped
public class LeaseSweeper {
  private final RunLeases leases;

  LeaseSweeper(RunLeases leases) {
    this.leases = leases;
  }

  @Scheduled(every = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    leases.expireLeases();
  }
}
