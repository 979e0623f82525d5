package io.kiln.backend.pretrained;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.People;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.fixtures.PhotoLikeImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pretrained starting points (issue 29): the catalogue's status against a source that cannot be
 * reached and against a stand-in in the hub's layout, the admin's import (checked by tensor layout,
 * once per file), the wizard's default for colour photos, the launch checks, and the agent's
 * download with its SHA-256.
 */
@QuarkusTest
class PretrainedTest {
  /** Where the test profile's kiln.pretrained.source points. */
  static final int SOURCE_PORT = 29321;

  static final Path FIXTURE = Path.of("../core/src/test/resources/torchvision_fixture.py");

  @TestHTTPResource("/")
  URI base;

  static Path resnet18;
  static Path bent;

  @BeforeAll
  static void weights() throws Exception {
    Path dir = Files.createDirectories(Path.of("target/pretrained-test"));
    resnet18 = dir.resolve("resnet18.pth");
    python("save", "resnet-18", resnet18.toString(), "zip", "1000", "5");
    bent = dir.resolve("bent.pth");
    Files.writeString(
        dir.resolve("bend.py"),
        "import torch,sys\n"
            + "sd = torch.load(sys.argv[1])\n"
            + "sd['layer3.0.conv2.weight'] = torch.zeros(256, 256, 5, 5)\n"
            + "torch.save(sd, sys.argv[2])\n");
    run(
        "/usr/bin/python3",
        dir.resolve("bend.py").toString(),
        resnet18.toString(),
        bent.toString());
  }

  static void python(String... args) throws Exception {
    String[] command = new String[args.length + 2];
    command[0] = "/usr/bin/python3";
    command[1] = FIXTURE.toString();
    System.arraycopy(args, 0, command, 2, args.length);
    run(command);
  }

  static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
  }

  static JsonPath catalogueEntry(String key) {
    return Api.as()
        .get("/api/pretrained")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath()
        .setRootPath("find { it.key == '" + key + "' }");
  }

  @Test
  void aSourceThatCannotBeReachedIsSaidSoWithWhatToDo() throws Exception {
    Api.as().post("/api/pretrained/check").then().statusCode(200);
    JsonPath entry = catalogueEntry("resnet-18-imagenet");
    assertEquals("unavailable", entry.getString("status"));
    assertTrue(
        entry
            .getString("detail")
            .contains("could not connect to 127.0.0.1:29321 (connection refused)"),
        entry.getString("detail"));
    assertTrue(entry.getString("detail").contains("import it on the Pretrained page"));
    assertEquals("http://127.0.0.1:29321/models/resnet18-f37072fd.pth", entry.getString("url"));
    assertEquals(
        "f37072fd47e89c5e827621c5baffa7500819f7896bbacec160b1a16c560e07ec",
        entry.getString("sha256"));
    // Nobody may launch from weights that cannot be had.
    long dataset =
        Api.upload(photos(), "photos.zip")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    Api.as()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "datasetId", dataset,
                "initialWeights", "pretrained",
                "pretrainedWeights", "resnet-18-imagenet",
                "architecture", "resnet-18",
                "inputSize", 64))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("pretrainedWeights"))
        .body("fields[0].message", containsString("connection refused"));
  }

  @Test
  void theHubStandInIsAskedAndAFileThatIsNotTheCataloguesIsRefused() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    byte[] impostor = Files.readAllBytes(resnet18);
    HttpServer hub = HttpServer.create(new InetSocketAddress("127.0.0.1", SOURCE_PORT), 0);
    hub.createContext(
        "/models/",
        exchange -> {
          requests.incrementAndGet();
          boolean known =
              exchange.getRequestURI().getPath().equals("/models/resnet18-f37072fd.pth");
          if (!known) {
            exchange.sendResponseHeaders(404, -1);
          } else if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(200, -1);
          } else {
            exchange.sendResponseHeaders(200, impostor.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(impostor);
            }
          }
          exchange.close();
        });
    hub.start();
    try {
      Api.as().post("/api/pretrained/check").then().statusCode(200);
      assertEquals("downloadable", catalogueEntry("resnet-18-imagenet").getString("status"));
      JsonPath resnet50 = catalogueEntry("resnet-50-imagenet");
      assertEquals("unavailable", resnet50.getString("status"));
      assertTrue(resnet50.getString("detail").contains("answered HTTP 404"));
      // The stand-in's file is not the published one: refused, nothing kept.
      Api.as()
          .post("/api/pretrained/resnet-18-imagenet/fetch")
          .then()
          .statusCode(409)
          .body(
              "error",
              org.hamcrest.Matchers.anyOf(
                  containsString("sent more than the 46830571 bytes"),
                  containsString("not the catalogue's f37072fd")));
      assertEquals("unavailable", catalogueEntry("resnet-18-imagenet").getString("status"));
      assertTrue(requests.get() >= 3);
    } finally {
      hub.stop(0);
    }
    Api.as().post("/api/pretrained/check").then().statusCode(200);
  }

  @Test
  void anAdminImportsWeightsOnceAndPhotosStartFromThem() throws Exception {
    People.Person member = People.create("member", People.team("pretrained-team"));
    // Members list; only admins import.
    member
        .as()
        .multiPart("file", "resnet18.pth", Files.readAllBytes(resnet18))
        .post("/api/pretrained")
        .then()
        .statusCode(403);
    Api.as()
        .multiPart("file", "bent.pth", Files.readAllBytes(bent))
        .multiPart("name", "Bent")
        .post("/api/pretrained")
        .then()
        .statusCode(400)
        .body(
            "error",
            containsString(
                "tensor 'layer3.0.conv2.weight' has shape [256, 256, 5, 5] where resnet-18 needs"
                    + " [256, 256, 3, 3]"));
    Api.as()
        .multiPart("file", "notes.pth", "not weights".getBytes(StandardCharsets.UTF_8))
        .multiPart("name", "Notes")
        .post("/api/pretrained")
        .then()
        .statusCode(400)
        .body("error", containsString("not PyTorch weights"));
    Api.as()
        .multiPart("file", "resnet18.pth", Files.readAllBytes(resnet18))
        .post("/api/pretrained")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("name"));
    String key =
        Api.as()
            .multiPart("file", "resnet18.pth", Files.readAllBytes(resnet18))
            .multiPart("name", "ResNet-18 from our parts")
            .post("/api/pretrained")
            .then()
            .statusCode(201)
            .body("architecture", equalTo("resnet-18"))
            .body("status", equalTo("stored"))
            .body("origin", equalTo("imported"))
            .body("key", startsWith("imported-"))
            .extract()
            .jsonPath()
            .getString("key");
    Api.as()
        .multiPart("file", "again.pth", Files.readAllBytes(resnet18))
        .multiPart("name", "Again")
        .post("/api/pretrained")
        .then()
        .statusCode(409)
        .body("error", containsString("already on this server as " + key));
    member.as().get("/api/pretrained").then().statusCode(200).body("key", hasItem(key));

    // Colour photos: the wizard proposes the imported weights (the catalogue cannot be reached).
    long dataset =
        Api.upload(photos(), "photos.zip")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    JsonPath start =
        Api.as()
            .get("/api/presets/starting-points?datasetId=" + dataset)
            .then()
            .statusCode(200)
            .body("photos", equalTo(true))
            .body("colour", equalTo(true))
            .body("typicalSide", equalTo(120))
            .extract()
            .jsonPath();
    assertEquals("small-data", start.getString("recommended.presetId"));
    assertEquals(key, start.getString("recommended.fields.pretrainedWeights"));
    assertTrue(start.getString("recommended.note").contains("ResNet-18 from our parts"));

    // The preview fits the recipe to the photos: 112 px, ImageNet normalization, the head alone
    // on stored features on this CPU-only fleet.
    JsonPath preview =
        Api.as()
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "datasetId",
                    dataset,
                    "fields",
                    Map.of("pretrainedWeights", key, "architecture", "resnet-18")))
            .post("/api/presets/small-data/preview")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(112, preview.getInt("recipe.inputSize"));
    assertEquals("imagenet", preview.getString("recipe.normalization"));
    assertEquals(preview.getInt("recipe.epochs"), preview.getInt("recipe.headOnlyEpochs"));
    assertEquals(true, preview.getBoolean("recipe.storedFeatures"));

    TestAgent.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "pretrained-agent")) {
      Api.cancelQueuedRuns();
      long runId =
          Api.createRun(
              Map.of(
                  "datasetId",
                  dataset,
                  "presetId",
                  "small-data",
                  "pretrainedWeights",
                  key,
                  "architecture",
                  "resnet-18"));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment assignment = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(runId, assignment.runId());
      String sha256 =
          HexFormat.of()
              .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(resnet18)));
      assertEquals(sha256, assignment.initialWeightsSha256());
      var download =
          io.restassured.RestAssured.given()
              .header("Authorization", "Bearer " + agent.credential)
              .get(assignment.initialWeightsPath())
              .then()
              .statusCode(200)
              .header("X-Kiln-Sha256", sha256)
              .extract();
      assertArrayEquals(Files.readAllBytes(resnet18), download.asByteArray());
      // The agent finds the weights do not fit after all: a settings failure, not retried, with
      // the field to change on the run.
      agent.send(new AgentMessage.RunStarted(runId, assignment.nextSeq(), "cpu()", 3, 3));
      agent.expect(BackendMessage.Ack.class);
      agent.send(
          new AgentMessage.RunFinished(
              runId,
              assignment.nextSeq() + 1,
              "FAILED",
              "the pretrained weights do not fit",
              "recipe",
              "pretrainedWeights"));
      agent.expect(BackendMessage.Ack.class);
      JsonPath run = Api.as().get("/api/runs/" + runId).then().statusCode(200).extract().jsonPath();
      assertEquals("failed", run.getString("state"));
      assertEquals("pretrainedWeights", run.getString("failureField"));
      assertEquals(1, run.getInt("attempts"), "a settings problem is not retried");
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  @Test
  void aGrayRunIsNotOfferedToColourPhotosNorAcceptedAsTheirStart() throws Exception {
    long grayRun =
        TestAgent.succeededRunWithModel(
            base,
            "gray-start",
            Map.of(
                "kiln-model.json",
                "{\"inputShape\": [1, 28, 28]}".getBytes(StandardCharsets.UTF_8)));
    long photos =
        Api.upload(photos(), "photos.zip")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    JsonPath start =
        Api.as()
            .get("/api/presets/starting-points?datasetId=" + photos)
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    Map<String, Object> option =
        start.getMap("options.find { it.kind == 'run' && it.id == '" + grayRun + "' }");
    assertEquals(false, option.get("usable"));
    assertEquals(
        "it was trained on gray images and this dataset has colour ones", option.get("whyNot"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "datasetId", photos,
                "initialWeights", "run",
                "initialRunId", grayRun))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("initialRunId"))
        .body("fields[0].message", containsString("trained on gray images"));
    assertNull(start.get("options.find { it.kind == 'nothing' }"));
  }

  static byte[] photos() throws Exception {
    return PhotoLikeImages.zip(
        new PhotoLikeImages.Spec(PhotoLikeImages.Task.COLOUR, 3, 12, 120, 120, 9));
  }

  static List<String> keys() {
    return Api.as().get("/api/pretrained").then().extract().jsonPath().getList("key");
  }
}
