package io.kiln.backend.run;

import io.kiln.backend.backbone.Backbone;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.KilnConfig;
import io.kiln.core.protocol.AgentMessage.RunEvaluated;
import io.kiln.core.protocol.AgentMessage.RunFinished;
import io.kiln.core.protocol.AgentMessage.RunStarted;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.run.RunState;
import io.kiln.core.run.RunStateMachine;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The agent side of a run's life: claiming under a lease, renewing it with heartbeats, starting,
 * finishing, and failing runs whose agent went silent.
 */
@ApplicationScoped
public class RunLeases {
  private static final Logger LOG = Logger.getLogger(RunLeases.class);
  private static final List<RunState> LEASED = List.of(RunState.ASSIGNED, RunState.RUNNING, RunState.CANCELLING);
  private final KilnConfig config;
  private final RunMapper mapper;
  private final DataDirectory dirs;
  private final Event<RunEvents.Changed> changed;

  RunLeases(KilnConfig config, RunMapper mapper, DataDirectory dirs, Event<RunEvents.Changed> changed) {
    this.config = config;
    this.mapper = mapper;
    this.dirs = dirs;
    this.changed = changed;
  }

  /**
   * Atomically hands the oldest queued run to {@code agentId}. The conditional update makes two
   * agents claiming at once safe on every database, without row locks.
   */
  @Transactional
  public Optional<Run> claim(long agentId) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<Run> next = Run.<Run>find("state = ?1 order by id", RunState.QUEUED).firstResultOptional();
      if (next.isEmpty()) {
        return Optional.empty();
      }
      Run run = next.get();
      RunStateMachine.transition(RunState.QUEUED, RunState.ASSIGNED);
      int updated = Run.update("state = ?1, agentId = ?2, leaseExpiresAt = ?3, version = version + 1"
          + " where id = ?4 and state = ?5", RunState.ASSIGNED, agentId, leaseEnd(), run.id, RunState.QUEUED);
      if (updated == 1) {
        Run.getEntityManager().refresh(run);
        changed.fire(new RunEvents.Changed(mapper.view(run)));
        return Optional.of(run);
      }
    }
    return Optional.empty();
  }

  /** Extends the lease; returns true when the agent should stop this run (cancelled or no longer its). */
  @Transactional
  public boolean renew(long agentId, long runId) {
    Run run = Run.findById(runId);
    if (run == null || !held(run, agentId)) {
      return true;
    }
    run.leaseExpiresAt = leaseEnd();
    return run.state == RunState.CANCELLING;
  }

  @Transactional
  public boolean started(long agentId, RunStarted event) {
    Run run = Run.findById(event.runId());
    if (run == null || !held(run, agentId)) {
      return false;
    }
    if (run.state == RunState.ASSIGNED) {
      run.moveTo(RunState.RUNNING);
    }
    run.device = event.device();
    run.totalEpochs = event.totalEpochs();
    run.stepsPerEpoch = event.stepsPerEpoch();
    run.leaseExpiresAt = leaseEnd();
    changed.fire(new RunEvents.Changed(mapper.view(run)));
    return true;
  }

  /** Records the outcome; a repeat of the same report is ignored. */
  @Transactional
  public void finished(long agentId, RunFinished event) {
    Run run = Run.findById(event.runId());
    if (run == null || !held(run, agentId)) {
      return;
    }
    RunState outcome = parseOutcome(event.outcome());
    if (outcome == RunState.SUCCEEDED && run.modelPath == null) {
      outcome = RunState.FAILED;
      run.failureReason = "the agent reported success but uploaded no model";
    } else if (outcome != RunState.SUCCEEDED) {
      run.failureReason = event.reason();
    } else {
      run.note = event.reason();
    }
    run.moveTo(outcome);
    changed.fire(new RunEvents.Changed(mapper.view(run)));
  }

  /** Streams the model to disk first, then records it, so a half-sent model is never referenced. */
  public void storeModel(long agentId, long runId, InputStream body) {
    QuarkusTransaction.requiringNew().run(() -> requireHeld(agentId, runId));
    Path temp = dirs.models().resolve(runId + ".zip.part");
    try {
      Files.copy(body, temp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temp, dirs.models().resolve(runId + ".zip"), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not store the model of run " + runId, e);
    }
    QuarkusTransaction.requiringNew().run(() -> requireHeld(agentId, runId).modelPath = "models/" + runId + ".zip");
  }

  /** The dataset archive of a run this agent holds. */
  @Transactional
  public Path datasetArchive(long agentId, long runId) {
    return dirs.root().resolve(requireHeld(agentId, runId).dataset.archivePath);
  }

  /** The starting weights (T13): the finished parent run's model archive, or the uploaded backbone. */
  @Transactional
  public Path initialWeights(long agentId, long runId) {
    Run run = requireHeld(agentId, runId);
    Recipe recipe = mapper.recipe(run);
    if ("backbone".equals(recipe.initialWeights())) {
      Backbone backbone = Backbone.findById(recipe.backboneId());
      if (backbone == null) {
        throw ApiException.notFound("backbone", recipe.backboneId());
      }
      return dirs.root().resolve(backbone.filePath);
    }
    long parentId = recipe.initialRunId();
    Run parent = Run.findById(parentId);
    if (parent == null || parent.modelPath == null) {
      throw ApiException.notFound("model of run", parentId);
    }
    return dirs.root().resolve(parent.modelPath);
  }

  /** Stores the final evaluation; a resend overwrites it with the same content. */
  @Transactional
  public void evaluated(long agentId, RunEvaluated event) {
    Run run = Run.findById(event.runId());
    if (run == null || !held(run, agentId)) {
      return;
    }
    run.evaluation = mapper.evaluationJson(event.evaluation());
    run.testAccuracy = event.evaluation().get("testAccuracy") instanceof Number n ? n.doubleValue() : null;
    changed.fire(new RunEvents.Changed(mapper.view(run)));
  }

  /** The runs whose lease ran out: their agent crashed, lost the network or was revoked. */
  @Transactional
  public List<Long> expiredLeases() {
    return Run.<Run>list("state in ?1 and leaseExpiresAt < ?2", LEASED, Instant.now())
        .stream().map(r -> r.id).toList();
  }

  /** Fails (or, if it was being cancelled, cancels) one run whose lease is still expired. */
  @Transactional
  public boolean expire(long runId) {
    Run run = Run.findById(runId);
    if (run == null || !run.state.leased() || run.leaseExpiresAt == null || run.leaseExpiresAt.isAfter(Instant.now())) {
      return false;
    }
    RunState target = run.state == RunState.CANCELLING ? RunState.CANCELLED : RunState.FAILED;
    run.failureReason = "agent " + run.agentId + " stopped responding (no heartbeat for "
        + config.agents().leaseSeconds() + " s)";
    run.moveTo(target);
    LOG.warnf("run %d: %s", run.id, run.failureReason);
    changed.fire(new RunEvents.Changed(mapper.view(run)));
    return true;
  }

  /**
   * After a backend restart, gives every leased run a fresh lease so its agent has time to
   * reconnect and heartbeat before the sweeper judges it lost.
   */
  @Transactional
  public int extendAllLeases() {
    return Run.update("leaseExpiresAt = ?1, version = version + 1 where state in ?2", leaseEnd(), LEASED);
  }

  /** Fails the runs of a revoked agent at once rather than waiting for the lease to run out. */
  @Transactional
  public void releaseAgent(long agentId, String reason) {
    for (Run run : Run.<Run>list("agentId = ?1 and state in ?2", agentId, LEASED)) {
      run.failureReason = reason;
      run.moveTo(RunState.FAILED);
      changed.fire(new RunEvents.Changed(mapper.view(run)));
    }
  }

  private Run requireHeld(long agentId, long runId) {
    Run run = Run.findById(runId);
    if (run == null || !held(run, agentId)) {
      throw new ApiException(409, "agent " + agentId + " holds no lease on run " + runId);
    }
    return run;
  }

  private static boolean held(Run run, long agentId) {
    return Objects.equals(run.agentId, agentId) && run.state.leased();
  }

  private Instant leaseEnd() {
    return Instant.now().plusSeconds(config.agents().leaseSeconds());
  }

  private static RunState parseOutcome(String outcome) {
    try {
      RunState state = RunState.valueOf(String.valueOf(outcome).toUpperCase());
      if (state.terminal()) {
        return state;
      }
    } catch (IllegalArgumentException ignored) {
      // fall through
    }
    return RunState.FAILED;
  }
}
