package io.kiln.backend.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.KubernetesMode;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: Kubernetes mode against fabric8's mock API server. A queued run gets one Job whose
 * agent takes exactly that run; a failed pod puts its run back in the queue at once, in a new Job;
 * a cancelled run's Job is deleted, and so is a Job whose run has ended.
 */
@QuarkusTest
@TestProfile(KubernetesMode.class)
class KubernetesModeTest {
  @TestHTTPResource("/")
  URI base;

  @Inject JobLauncher launcher;

  @Test
  void eachQueuedRunGetsAJobWhoseAgentTakesExactlyThatRun() throws Exception {
    KubernetesClient k8s = KubernetesMode.client();
    TestAgent.SERIAL.lock();
    try {
      Api.cancelQueuedRuns();
      launcher.reconcile(); // ended runs' Jobs go
      long dataset = Api.uploadValid("k8s");
      long older = Api.createRun(Map.of("datasetId", dataset, "epochs", 2));
      long newer = Api.createRun(Map.of("datasetId", dataset, "epochs", 2));

      assertEquals(2, launcher.reconcile().created());
      assertEquals(0, launcher.reconcile().created(), "one Job per run");
      Job job = jobOf(k8s, newer);
      Container agent = job.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertEquals("registry.example/kiln-agent:1", agent.getImage());
      assertEquals("1", agent.getResources().getLimits().get("nvidia.com/gpu").getAmount());
      assertEquals("16Gi", agent.getResources().getRequests().get("memory").toString());
      assertTrue(agent.getArgs().contains("--once"), agent.getArgs().toString());
      assertEquals(0, job.getSpec().getBackoffLimit());
      assertEquals("Never", job.getSpec().getTemplate().getSpec().getRestartPolicy());
      assertEquals(
          "true",
          job.getSpec().getTemplate().getSpec().getNodeSelector().get("nvidia.com/gpu.present"));

      // The newer run's pod starts: its agent takes that run, though the older one is first in
      // line.
      String token = agent.getEnv().get(0).getValue();
      BackendMessage.RunAssignment assignment;
      try (TestAgent pod = TestAgent.connectWithToken(base, token, "run-" + newer)) {
        pod.send(new AgentMessage.ClaimRun());
        assignment = pod.expect(BackendMessage.RunAssignment.class);
        assertEquals(newer, assignment.runId(), "the Job's agent takes its own run");
        pod.send(new AgentMessage.RunStarted(newer, assignment.nextSeq(), "gpu(0)", 2, 3));
        pod.expect(BackendMessage.Ack.class);
      }

      // The pod fails (out of memory, say): the run goes back to the queue now, in a new Job.
      Job failed = jobOf(k8s, newer);
      failed.setStatus(new JobStatusBuilder().withFailed(1).build());
      k8s.resource(failed).updateStatus();
      JobLauncher.Result pass = launcher.reconcile();
      assertEquals(1, pass.requeued());
      assertEquals("queued", Api.as().get("/api/runs/" + newer).jsonPath().getString("state"));
      List<Job> newerJobs = jobsOf(k8s, newer);
      assertEquals(1, newerJobs.size(), "the failed Job went, a new one came");
      assertTrue(!newerJobs.get(0).getMetadata().getName().equals(failed.getMetadata().getName()));
      assertEquals(
          "infrastructure",
          Api.as()
              .get("/api/runs/" + newer + "/attempts")
              .jsonPath()
              .getString("[0].failureClass"));

      // A cancelled run's pending Job is deleted.
      Api.as().post("/api/runs/" + older + "/cancel").then().statusCode(200);
      Api.as().post("/api/runs/" + newer + "/cancel").then().statusCode(200);
      assertEquals(2, launcher.reconcile().deleted());
      assertEquals(0, jobsOf(k8s, older).size() + jobsOf(k8s, newer).size());
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  private static Job jobOf(KubernetesClient k8s, long runId) {
    List<Job> jobs = jobsOf(k8s, runId);
    assertEquals(1, jobs.size(), "jobs of run " + runId + ": " + jobs);
    return jobs.get(0);
  }

  private static List<Job> jobsOf(KubernetesClient k8s, long runId) {
    return k8s.batch().v1().jobs().withLabel(RunJobs.RUN, Long.toString(runId)).list().getItems();
  }
}
