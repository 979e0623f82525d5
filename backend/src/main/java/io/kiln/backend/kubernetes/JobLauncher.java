package io.kiln.backend.kubernetes;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kiln.backend.agent.AgentRegistry;
import io.kiln.backend.cluster.ClusterSchedule;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.run.RunLeases;
import io.kiln.backend.run.RunService;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Kubernetes mode ({@code kiln.kubernetes.enabled}): every few seconds, once across the backend
 * replicas, it brings the cluster's Jobs in line with Kiln's queue.
 *
 * <ul>
 *   <li>A queued run without a Job gets one (up to {@code max-jobs}): an agent pod asking for
 *       {@code nvidia.com/gpu} and the run's memory, enrolled with a token that binds it to that
 *       run, which it takes and then exits. The cluster's scheduler places it, or keeps it pending
 *       while the cluster is full (GPU nodes may scale from zero for it).
 *   <li>A Job whose pod failed (out of memory, node lost) puts its run back in the queue at once,
 *       to resume from its last checkpoint in a new Job, instead of waiting for the lease to lapse.
 *   <li>A Job whose run has ended (finished, failed, cancelled, gone) is deleted: a cancel of a
 *       queued run removes its pending pod, and finished Jobs do not pile up.
 * </ul>
 */
@ApplicationScoped
public class JobLauncher {
  private static final Logger LOG = Logger.getLogger(JobLauncher.class);
  static final String TASK = "kubernetes-jobs";

  /** How long a Job's enrollment token stays valid (the pod may wait for a node that long). */
  private static final Duration TOKEN_VALID = Duration.ofHours(24);

  private final KilnConfig.Kubernetes config;
  private final RunService runs;
  private final RunLeases leases;
  private final AgentRegistry agents;
  private final ClusterSchedule schedule;
  private KubernetesClient client;

  JobLauncher(
      KilnConfig config,
      RunService runs,
      RunLeases leases,
      AgentRegistry agents,
      ClusterSchedule schedule) {
    this.config = config.kubernetes();
    this.runs = runs;
    this.leases = leases;
    this.agents = agents;
    this.schedule = schedule;
  }

  @Scheduled(
      every = "${kiln.kubernetes.every:5s}",
      delayed = "${kiln.kubernetes.every:5s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
      skipExecutionIf = Disabled.class)
  void tick() {
    if (!schedule.claim(TASK, Duration.ofSeconds(4))) {
      return; // another replica does it this time
    }
    try {
      reconcile();
    } catch (RuntimeException e) {
      LOG.warnf("Kubernetes: %s", e.getMessage());
    }
  }

  /** One pass: failed pods requeue their runs, ended runs lose their Jobs, queued runs get one. */
  public Result reconcile() {
    KubernetesClient k8s = client();
    List<Job> jobs =
        k8s.batch().v1().jobs().withLabel(RunJobs.MANAGED_BY, "kiln").list().getItems();
    Map<Long, Job> byRun = new HashMap<>();
    jobs.forEach(
        j -> {
          Long run = RunJobs.runOf(j);
          if (run != null) {
            byRun.put(run, j);
          }
        });
    Map<Long, String> states = runs.states(byRun.keySet());
    int requeued = 0;
    int deleted = 0;
    Set<Long> withJob = new HashSet<>();
    for (Map.Entry<Long, Job> e : byRun.entrySet()) {
      long runId = e.getKey();
      String state = states.get(runId);
      boolean ended = RunJobs.ended(e.getValue());
      if (ended && ("assigned".equals(state) || "running".equals(state))) {
        // The pod is gone but the run is still leased to its agent: back to the queue now.
        for (long agent : agents.agentsBoundTo(runId)) {
          Conflicts.retry(
              () ->
                  leases.releaseAgent(
                      agent,
                      "its Kubernetes pod failed (Job "
                          + e.getValue().getMetadata().getName()
                          + ")"));
        }
        requeued++;
        state = "queued";
      }
      if (!ended && isActive(state)) {
        withJob.add(runId); // pending for a queued run, or training it
      } else {
        k8s.resource(e.getValue()).delete();
        deleted++;
      }
    }
    int created = 0;
    for (long runId : runs.queuedIds(config.maxJobs())) {
      if (withJob.size() >= config.maxJobs()) {
        break;
      }
      if (!withJob.contains(runId)) {
        Job job = RunJobs.job(config, runId, agents.createRunToken(runId, TOKEN_VALID));
        k8s.resource(job).create();
        withJob.add(runId);
        created++;
        LOG.infof("run %d: started Job %s", runId, job.getMetadata().getName());
      }
    }
    return new Result(created, requeued, deleted);
  }

  /** What one pass did. */
  public record Result(int created, int requeued, int deleted) {}

  private static boolean isActive(String state) {
    return "queued".equals(state) || "assigned".equals(state) || "running".equals(state);
  }

  private synchronized KubernetesClient client() {
    if (client == null) {
      ConfigBuilder builder = new ConfigBuilder(Config.autoConfigure(null));
      config.masterUrl().ifPresent(builder::withMasterUrl);
      config.namespace().ifPresent(builder::withNamespace);
      client = new KubernetesClientBuilder().withConfig(builder.build()).build();
    }
    return client;
  }

  void onStop(@Observes ShutdownEvent event) {
    if (client != null) {
      client.close();
    }
  }

  /** The launcher's timer does nothing unless Kubernetes mode is on. */
  @ApplicationScoped
  public static class Disabled implements Scheduled.SkipPredicate {
    private final boolean enabled;

    Disabled(KilnConfig config) {
      this.enabled = config.kubernetes().enabled();
    }

    @Override
    public boolean test(io.quarkus.scheduler.ScheduledExecution execution) {
      return !enabled;
    }
  }
}
