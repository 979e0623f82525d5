package io.kiln.backend.run;

import io.kiln.backend.common.KilnConfig;
import io.kiln.core.run.FailureClass;
import io.kiln.core.run.Placement;
import io.kiln.core.run.RunState;
import io.kiln.core.run.RunStateMachine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A run's lease: claiming a queued run, renewing it with heartbeats, and failing runs whose agent
 * went silent or was revoked (back to the queue, see {@link RunRetries}). What an agent reports
 * about a run it holds is {@link RunReports}; the files it reads and writes are {@link RunFiles}.
 */
@ApplicationScoped
public class RunLeases {
  private static final List<RunState> LEASED =
      List.of(RunState.ASSIGNED, RunState.RUNNING, RunState.CANCELLING);
  private final KilnConfig config;
  private final RunMapper mapper;
  private final Event<RunEvents.Changed> changed;
  private final RunRetries retries;

  RunLeases(
      KilnConfig config, RunMapper mapper, Event<RunEvents.Changed> changed, RunRetries retries) {
    this.config = config;
    this.mapper = mapper;
    this.changed = changed;
    this.retries = retries;
  }

  /**
   * Atomically hands the next queued run (see {@link #nextFor}) to {@code agentId}, which must hold
   * none: a run still leased to an agent that asks for work was lost when the agent restarted, and
   * goes back to the queue first. The conditional update makes several agents (and backend threads)
   * claiming at once safe on every database, without row locks.
   */
  @Transactional
  public Optional<Run> claim(long agentId) {
    return claim(new Claimant(agentId, List.of(), Long.MAX_VALUE, null));
  }

  /**
   * Who asks for work: only runs whose placement it matches are handed to it, and only {@code
   * onlyRun} when it was started for that run (a Kubernetes Job's agent).
   */
  public record Claimant(long agentId, List<String> labels, long deviceMemoryBytes, Long onlyRun) {}

  @Transactional
  public Optional<Run> claim(Claimant claimant) {
    long agentId = claimant.agentId();
    releaseLost(agentId);
    for (int attempt = 0; attempt < 50; attempt++) {
      Optional<Long> next = nextFor(claimant);
      if (next.isEmpty()) {
        return Optional.empty();
      }
      Run run = Run.findById(next.get());
      RunStateMachine.transition(RunState.QUEUED, RunState.ASSIGNED);
      int updated =
          Run.update(
              "state = ?1, agentId = ?2, leaseExpiresAt = ?3, attempts = attempts + 1,"
                  + " version = version + 1 where id = ?4 and state = ?5",
              RunState.ASSIGNED,
              agentId,
              leaseEnd(),
              run.id,
              RunState.QUEUED);
      if (updated == 1) {
        Run.getEntityManager().refresh(run);
        retries.started(run, agentId);
        changed.fire(new RunEvents.Changed(mapper.view(run)));
        return Optional.of(run);
      }
    }
    return Optional.empty();
  }

  /**
   * The queued run to hand out next among those the claimant matches (labels, device memory):
   * highest priority first; among equals, the team with the fewest runs in progress, so that one
   * team's fifty queued runs do not starve another team's one; then the oldest.
   */
  private Optional<Long> nextFor(Claimant claimant) {
    List<Object[]> queued =
        Run.getEntityManager()
            .createQuery(
                "select r.id, r.teamId, r.priority, r.requiredLabels, r.minDeviceMemoryBytes"
                    + " from Run r where r.state = :queued order by r.priority desc, r.id",
                Object[].class)
            .setParameter("queued", RunState.QUEUED)
            .setMaxResults(1000)
            .getResultList();
    if (queued.isEmpty()) {
      return Optional.empty();
    }
    Map<Long, Long> busy = new HashMap<>();
    Run.getEntityManager()
        .createQuery(
            "select r.teamId, count(r) from Run r where r.state in :leased group by r.teamId",
            Object[].class)
        .setParameter("leased", LEASED)
        .getResultList()
        .forEach(row -> busy.put((Long) row[0], (Long) row[1]));
    return queued.stream()
        .filter(row -> claimant.onlyRun() == null || claimant.onlyRun().equals(row[0]))
        .filter(
            row ->
                new Placement(Placement.split((String) row[3]), (Long) row[4])
                    .matches(claimant.labels(), claimant.deviceMemoryBytes()))
        .min(
            Comparator.comparingInt((Object[] row) -> -(Integer) row[2])
                .thenComparingLong(row -> busy.getOrDefault((Long) row[1], 0L))
                .thenComparingLong(row -> (Long) row[0]))
        .map(row -> (Long) row[0]);
  }

  /**
   * An agent that asks for work holds no run in memory: a run still leased to it was lost when it
   * restarted, and goes back to the queue.
   */
  @Transactional
  public void releaseLost(long agentId) {
    for (Run lost : Run.<Run>list("agentId = ?1 and state in ?2", agentId, LEASED)) {
      retries.failed(
          lost, FailureClass.INFRASTRUCTURE, "agent " + agentId + " restarted and lost the run");
    }
  }

  /**
   * Extends the lease; returns true when the agent should stop this run (cancelled or no longer
   * its).
   */
  @Transactional
  public boolean renew(long agentId, long runId) {
    Optional<Run> run = held(agentId, runId);
    run.ifPresent(r -> r.leaseExpiresAt = leaseEnd());
    return run.map(r -> r.state == RunState.CANCELLING).orElse(true);
  }

  /** The run, when {@code agentId} holds its lease; joins the caller's transaction. */
  public Optional<Run> held(long agentId, long runId) {
    return Optional.ofNullable(Run.<Run>findById(runId)).filter(run -> run.heldBy(agentId));
  }

  /** The runs whose lease ran out: their agent crashed, lost the network or was revoked. */
  @Transactional
  public List<Long> expiredLeases() {
    return Run.<Run>list("state in ?1 and leaseExpiresAt < ?2", LEASED, Instant.now()).stream()
        .map(r -> r.id)
        .toList();
  }

  /**
   * Requeues (or, if it was being cancelled, cancels) one run whose lease is still expired; the
   * next agent resumes it from its last checkpoint.
   */
  @Transactional
  public boolean expire(long runId) {
    Run run = Run.findById(runId);
    if (run == null
        || !run.state.leased()
        || run.leaseExpiresAt == null
        || run.leaseExpiresAt.isAfter(Instant.now())) {
      return false;
    }
    retries.failed(
        run,
        FailureClass.INFRASTRUCTURE,
        "agent "
            + run.agentId
            + " stopped responding (no heartbeat for "
            + config.agents().leaseSeconds()
            + " s)");
    return true;
  }

  /**
   * After a backend restart, gives every leased run a fresh lease so its agent has time to
   * reconnect and heartbeat before the sweeper judges it lost.
   */
  @Transactional
  public int extendAllLeases() {
    return Run.update(
        "leaseExpiresAt = ?1, version = version + 1 where state in ?2", leaseEnd(), LEASED);
  }

  /**
   * Gives up the runs an agent holds at once rather than waiting for the lease to run out (the
   * agent was revoked or is drained hard): they go back to the queue, to resume elsewhere.
   */
  @Transactional
  public void releaseAgent(long agentId, String reason) {
    for (Run run : Run.<Run>list("agentId = ?1 and state in ?2", agentId, LEASED)) {
      retries.failed(run, FailureClass.INFRASTRUCTURE, reason);
    }
  }

  Instant leaseEnd() {
    return Instant.now().plusSeconds(config.agents().leaseSeconds());
  }
}
