package io.kiln.backend.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A periodic task runs once across replicas (issue 17): of several claims at the same moment, on
 * the same database, exactly one wins, and nobody runs the task again until it is due.
 */
@QuarkusTest
class ClusterScheduleTest {
  @Inject ClusterSchedule schedule;

  @Test
  void oneOfManySimultaneousClaimsRunsTheTaskAndItIsDueAgainAfterItsPeriod() throws Exception {
    String task = "test-task-" + System.nanoTime();
    int replicas = 6;
    CyclicBarrier together = new CyclicBarrier(replicas);
    ExecutorService threads = Executors.newFixedThreadPool(replicas);
    try {
      Callable<Boolean> claim =
          () -> {
            together.await();
            return schedule.claim(task, Duration.ofMillis(600));
          };
      List<Future<Boolean>> claims = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        claims.add(threads.submit(claim));
      }
      int won = 0;
      for (Future<Boolean> c : claims) {
        won += c.get() ? 1 : 0;
      }
      assertEquals(1, won, "a task nobody ran yet is run once");
      assertFalse(schedule.claim(task, Duration.ofMillis(600)), "not due again yet");
      Thread.sleep(700);
      claims.clear();
      for (int i = 0; i < replicas; i++) {
        claims.add(threads.submit(claim));
      }
      won = 0;
      for (Future<Boolean> c : claims) {
        won += c.get() ? 1 : 0;
      }
      assertEquals(1, won, "once due, once again");
    } finally {
      threads.shutdownNow();
    }
  }
}
