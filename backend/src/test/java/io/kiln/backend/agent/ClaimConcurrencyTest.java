package io.kiln.backend.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.common.Conflicts;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunLeases;
import io.kiln.backend.run.RunReports;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.run.RunState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Four agents claim from forty queued runs at once, each on its own thread, finishing each run
 * before claiming the next (on H2 here, on PostgreSQL in the postgresql execution): no run is
 * claimed twice, none is left behind, and no agent ever holds two.
 */
@QuarkusTest
class ClaimConcurrencyTest {
  @Inject RunLeases leases;
  @Inject RunReports reports;

  @Test
  void fourAgentsFortyRunsEachClaimedOnceNoneLeftNoAgentHoldingTwo() throws Exception {
    AgentProtocolTest.SERIAL.lock();
    try {
      Api.cancelQueuedRuns();
      long datasetId = Api.uploadValid("claims");
      Set<Long> created = new HashSet<>();
      for (int i = 0; i < 40; i++) {
        created.add(Api.createRun(Map.of("datasetId", datasetId)));
      }
      List<Long> agents = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        agents.add(TestAgent.enroll("claimer-" + i).getLong("agentId"));
      }
      ConcurrentLinkedQueue<Long> claimed = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> done = new ArrayList<>();
      for (long agentId : agents) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  while (true) {
                    Optional<Run> run = Conflicts.retry(() -> leases.claim(agentId));
                    if (run.isEmpty()) {
                      return null;
                    }
                    long runId = run.get().id;
                    claimed.add(runId);
                    long held =
                        QuarkusTransaction.requiringNew()
                            .call(
                                () ->
                                    Run.count(
                                        "agentId = ?1 and state in ?2",
                                        agentId,
                                        List.of(
                                            RunState.ASSIGNED,
                                            RunState.RUNNING,
                                            RunState.CANCELLING)));
                    if (held != 1) {
                      violations.add("agent " + agentId + " held " + held + " runs");
                    }
                    Conflicts.retry(
                        () ->
                            reports.finished(
                                agentId,
                                new AgentMessage.RunFinished(runId, 0, "CANCELLED", "done")));
                  }
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();
      assertEquals(List.of(), List.copyOf(violations));
      assertEquals(40, claimed.size(), "forty claims: " + claimed);
      assertEquals(created, new HashSet<>(claimed), "each run claimed exactly once");
      long left =
          QuarkusTransaction.requiringNew()
              .call(() -> Run.count("state = ?1 and id in ?2", RunState.QUEUED, created));
      assertEquals(0, left, "no run left in the queue");
      assertTrue(claimed.stream().distinct().count() == 40);
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }
}
