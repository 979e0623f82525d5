package io.kiln.backend.notify;

import io.kiln.backend.agent.Agent;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.run.Run;
import io.kiln.core.notify.EventKind;
import io.kiln.core.run.RunState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Events that no transaction reports, because they are the absence of one, found every 30 s: an
 * agent that stopped heartbeating (told to the admins, once per silence), and a run that has waited
 * over an hour with no agent taking it (told to its creator and its team's webhooks, once). A fact
 * written by another replica first is skipped.
 */
@ApplicationScoped
class Sweeps {
  private static final Logger LOG = Logger.getLogger(Sweeps.class);
  static final Duration WAITING = Duration.ofHours(1);

  /** Agents silent longer than this are offline; older silences are not told (a day). */
  private static final Duration FORGOTTEN = Duration.ofDays(1);

  private final Outbox outbox;
  private final KilnConfig config;

  Sweeps(Outbox outbox, KilnConfig config) {
    this.outbox = outbox;
    this.config = config;
  }

  @Scheduled(
      every = "30s",
      delayed = "30s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    try {
      sweep(Instant.now());
    } catch (RuntimeException e) {
      LOG.debug("notification sweep: " + e.getMessage(), e);
    }
  }

  void sweep(Instant now) {
    Duration silence = Duration.ofSeconds(Math.max(60, 2L * config.agents().leaseSeconds()));
    List<Long> silent =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    Agent.<Agent>find(
                            "revokedAt is null and lastSeenAt < ?1 and lastSeenAt > ?2",
                            now.minus(silence),
                            now.minus(FORGOTTEN))
                        .stream()
                        .map(a -> a.id)
                        .toList());
    for (long id : silent) {
      once(() -> offline(id));
    }
    List<Long> waiting =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    Run.<Run>find(
                            "state = ?1 and startedAt is null and labelCheckId is null"
                                + " and createdAt < ?2",
                            RunState.QUEUED,
                            now.minus(WAITING))
                        .stream()
                        .map(r -> r.id)
                        .toList());
    for (long id : waiting) {
      once(() -> waiting(id));
    }
  }

  private void once(Runnable record) {
    try {
      QuarkusTransaction.requiringNew().run(record);
    } catch (RuntimeException e) {
      LOG.debug("notification sweep: already told elsewhere? " + e.getMessage());
    }
  }

  private void offline(long agentId) {
    Agent agent = Agent.findById(agentId);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("kind", EventKind.AGENT_OFFLINE.key());
    payload.put("agent", Map.of("id", agent.id, "name", agent.name == null ? "" : agent.name));
    payload.put("lastSeenAt", agent.lastSeenAt.toString());
    payload.put("path", "/#/agents/" + agent.id);
    outbox.record(
        EventKind.AGENT_OFFLINE,
        "agent-offline:" + agent.id + ":" + agent.lastSeenAt.toEpochMilli(),
        null,
        null,
        null,
        payload,
        Recipients.admins());
  }

  private void waiting(long runId) {
    Run run = Run.findById(runId);
    if (run.state != RunState.QUEUED) {
      return;
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", run.id);
    r.put("name", run.name);
    r.put("state", "queued");
    r.put("createdBy", run.createdBy);
    r.put("requiredLabels", run.requiredLabels == null ? "" : run.requiredLabels);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("kind", EventKind.RUN_WAITING.key());
    payload.put("teamId", run.teamId);
    payload.put("run", r);
    Links.put(payload, config, "/#/runs/" + run.id);
    outbox.record(
        EventKind.RUN_WAITING,
        "run-waiting:" + run.id,
        run.teamId,
        run.id,
        null,
        payload,
        List.of(run.createdBy));
  }
}
