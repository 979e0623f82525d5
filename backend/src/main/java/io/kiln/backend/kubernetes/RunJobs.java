package io.kiln.backend.kubernetes;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.kiln.backend.common.KilnConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** What a run's Job looks like: one agent pod that takes that run, then exits. Pure: no client. */
final class RunJobs {
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String RUN = "kiln.io/run";

  private RunJobs() {}

  /**
   * @param token a one-time enrollment token that binds the pod's agent to this run
   */
  static Job job(KilnConfig.Kubernetes config, long runId, String token) {
    Map<String, String> labels = Map.of(MANAGED_BY, "kiln", RUN, Long.toString(runId));
    return new JobBuilder()
        .withNewMetadata()
        .withName("kiln-run-" + runId + "-" + UUID.randomUUID().toString().substring(0, 8))
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        // A failed pod is not retried by Kubernetes: Kiln requeues the run, which resumes from its
        // last checkpoint in a Job of its own.
        .withBackoffLimit(0)
        .withTtlSecondsAfterFinished(config.keepFinishedSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withNodeSelector(nodeSelector(config.nodeSelector().orElse("")))
        .addNewToleration()
        .withKey("nvidia.com/gpu")
        .withOperator("Exists")
        .withEffect("NoSchedule")
        .endToleration()
        .addNewContainer()
        .withName("agent")
        .withImage(config.agentImage())
        .withArgs("--server", config.serverUrl(), "--once", "--name", "run-" + runId)
        .addNewEnv()
        .withName("KILN_ENROLLMENT_TOKEN")
        .withValue(token)
        .endEnv()
        .withNewResources()
        .addToLimits("nvidia.com/gpu", new Quantity(Integer.toString(config.gpus())))
        .addToRequests("memory", new Quantity(config.memoryGib() + "Gi"))
        .addToLimits("memory", new Quantity(config.memoryGib() + "Gi"))
        .endResources()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** The run a Job of Kiln's is for, or null. */
  static Long runOf(Job job) {
    String run =
        job.getMetadata().getLabels() == null ? null : job.getMetadata().getLabels().get(RUN);
    try {
      return run == null ? null : Long.valueOf(run);
    } catch (NumberFormatException someoneElses) {
      return null; // a label Kiln did not write: not one of its Jobs
    }
  }

  /**
   * Whether the Job's pod has ended, failed (it is not retried: backoff limit 0) or done (the agent
   * exits once its run has ended).
   */
  static boolean ended(Job job) {
    var status = job.getStatus();
    return status != null
        && ((status.getFailed() != null && status.getFailed() > 0)
            || (status.getSucceeded() != null && status.getSucceeded() > 0)
            || (status.getConditions() != null
                && status.getConditions().stream()
                    .anyMatch(
                        c ->
                            ("Failed".equals(c.getType()) || "Complete".equals(c.getType()))
                                && "True".equals(c.getStatus()))));
  }

  /** "a=b,c=d" as labels. */
  static Map<String, String> nodeSelector(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return labels;
  }
}
