package io.kiln.backend.agent;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.S3Storage;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: everything {@link RequeueResumeTest} proves, with the checkpoints in S3-compatible
 * object storage (a real S3 API server), plus the agent's direct download from the store.
 */
@QuarkusTest
@TestProfile(S3Storage.class)
class RequeueResumeOnS3Test extends RequeueResumeTest {
  @Test
  void aCheckpointLiesInTheBucketAndTheAgentDownloadsItFromThereWithItsHash() throws Exception {
    AgentProtocolTest.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "s3-checkpoint")) {
      Api.cancelQueuedRuns();
      long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("s3-resume"), "epochs", 3));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      seq = a.nextSeq();
      agent.send(new AgentMessage.RunStarted(runId, seq++, "cpu()", 3, 3));
      agent.expect(BackendMessage.Ack.class);
      epoch(agent, runId, 1, true);
      byte[] checkpoint = "parameters in the bucket".getBytes();
      assertEquals(204, putCheckpoint(agent, runId, 1, checkpoint));
      String key = "kiln/checkpoints/run-" + runId + "/epoch-1.zip";
      assertArrayEquals(checkpoint, Files.readAllBytes(S3Storage.server().file(key)));
      String sha256 =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(checkpoint));

      String path = "/api/agent/runs/" + runId + "/checkpoint";
      Response redirected =
          given()
              .redirects()
              .follow(false)
              .header("Authorization", "Bearer " + agent.credential)
              .header(AgentFilesResource.REDIRECT, "accepted")
              .get(path);
      assertEquals(307, redirected.statusCode());
      assertEquals(sha256, redirected.header(AgentFilesResource.SHA256));
      URI store = URI.create(redirected.header("Location"));
      assertTrue(store.toString().startsWith(S3Storage.server().endpoint()), store.toString());
      HttpResponse<byte[]> direct =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(store).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, direct.statusCode());
      assertArrayEquals(checkpoint, direct.body(), "no Kiln credential needed at the store");

      Response through = given().header("Authorization", "Bearer " + agent.credential).get(path);
      assertEquals(200, through.statusCode(), "an agent that does not follow is served as before");
      assertEquals(sha256, through.header(AgentFilesResource.SHA256));
      assertArrayEquals(checkpoint, through.asByteArray());
      agent.send(new AgentMessage.RunFinished(runId, seq++, "CANCELLED", null));
      agent.expect(BackendMessage.Ack.class);
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }
}
