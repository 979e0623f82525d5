package io.kiln.backend.storage;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.S3Storage;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: with {@code kiln.storage.kind=s3} a dataset and a model live in the bucket (a real S3
 * API server), not on the backend's disk; a backend that has no local copy (another replica, or
 * this one after its cache was emptied) serves them from the bucket; an agent downloads the dataset
 * straight from the bucket.
 */
@QuarkusTest
@TestProfile(S3Storage.class)
class FilesOnS3Test {
  private static final Path CACHE = Path.of("target/kiln-test-data/cache");

  @TestHTTPResource("/")
  URI base;

  @Test
  void datasetsAndModelsLiveInTheBucketAndAnyBackendServesThem() throws Exception {
    int before = objects("kiln/datasets").size();
    long datasetId = Api.uploadValid("on-s3");
    List<Path> archives = objects("kiln/datasets");
    assertEquals(before + 2, archives.size(), "the archive and its thumbnails: " + archives);
    byte[] image = galleryImage(datasetId);

    emptyCache(); // as a replica that never saw the upload
    assertArrayEquals(image, galleryImage(datasetId), "read back from the bucket");

    long runId =
        TestAgent.succeededRunWithModel(
            base, "s3-model", Map.of("model.txt", "weights".getBytes()));
    assertTrue(Files.isRegularFile(S3Storage.server().file("kiln/models/" + runId + ".zip")));
    emptyCache();
    Response model = Api.as().get("/api/runs/" + runId + "/model");
    assertEquals(200, model.statusCode(), model.asString());
    assertTrue(model.asByteArray().length > 0);
  }

  @Test
  void anAgentDownloadsTheDatasetStraightFromTheBucket() throws Exception {
    TestAgent.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "s3-dataset")) {
      Api.cancelQueuedRuns();
      long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("s3-agent"), "epochs", 1));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(runId, a.runId());
      Response redirected =
          given()
              .redirects()
              .follow(false)
              .header("Authorization", "Bearer " + agent.credential)
              .header("X-Kiln-Redirect", "accepted")
              .get(a.datasetPath());
      assertEquals(307, redirected.statusCode());
      HttpResponse<byte[]> direct =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(redirected.header("Location"))).build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, direct.statusCode());
      byte[] through =
          given()
              .header("Authorization", "Bearer " + agent.credential)
              .get(a.datasetPath())
              .then()
              .statusCode(200)
              .extract()
              .asByteArray();
      assertArrayEquals(through, direct.body(), "the same archive either way");
      String sha256 =
          java.util.HexFormat.of()
              .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(through));
      assertEquals(sha256, redirected.header("X-Kiln-Sha256"), "the agent can check it");
      agent.send(new AgentMessage.RunFinished(runId, a.nextSeq(), "CANCELLED", null));
      agent.expect(BackendMessage.Ack.class);
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  private static byte[] galleryImage(long datasetId) {
    Map<String, List<String>> gallery =
        Api.as().get("/api/datasets/" + datasetId).jsonPath().getMap("gallery");
    String path = gallery.values().iterator().next().get(0);
    return Api.as()
        .queryParam("path", path)
        .get("/api/datasets/" + datasetId + "/thumbnails")
        .then()
        .statusCode(200)
        .extract()
        .asByteArray();
  }

  private static List<Path> objects(String folder) throws Exception {
    Path dir = S3Storage.server().file(folder);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private static void emptyCache() throws Exception {
    if (!Files.isDirectory(CACHE)) {
      return;
    }
    try (Stream<Path> files = Files.walk(CACHE)) {
      files.filter(Files::isRegularFile).forEach(p -> p.toFile().delete());
    }
  }
}
