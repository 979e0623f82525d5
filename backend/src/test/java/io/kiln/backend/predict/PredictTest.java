package io.kiln.backend.predict;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.common.DecodeMemory;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.People;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.onnx.OnnxGraph;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.fixtures.HostileImages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Predictions through {@code POST /api/runs/{id}/predict} with a real ONNX model in ONNX Runtime: a
 * two-class "dark or bright" classifier written with core's {@link OnnxGraph} (mean brightness
 * through a linear layer), so the right answer for each image is known. Trained models of every
 * architecture are checked against ONNX Runtime in the agent's {@code OnnxParityIT}.
 */
@QuarkusTest
class PredictTest {
  @TestHTTPResource("/")
  URI base;

  @Inject DecodeMemory decoding;

  long runId;

  @BeforeEach
  void succeededRun() throws Exception {
    if (runId != 0) {
      return;
    }
    runId = runWithModel(onnxModel(), "bright-or-dark");
  }

  @Test
  void aBatchGetsAnAnswerPerFileAndAClearErrorForEachBadOne() throws Exception {
    JsonPath answer =
        Api.as()
            .multiPart("file", "white.png", png(Color.WHITE), "image/png")
            .multiPart("file", "notes.txt", "not a picture".getBytes(StandardCharsets.UTF_8))
            .multiPart("file", "black.jpg", jpeg(Color.BLACK), "image/jpeg")
            .multiPart(
                "file",
                "more.zip",
                zip(
                    Map.of(
                        "a/grey-light.png",
                        png(new Color(230, 230, 230)),
                        "b/dark.png",
                        png(Color.DARK_GRAY))),
                "application/zip")
            .multiPart("file", "huge.png", new byte[300_000], "image/png")
            .multiPart("file", "seventh.png", png(Color.WHITE), "image/png")
            .queryParam("top", 1)
            .post("/api/runs/" + runId + "/predict")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(runId, answer.getLong("runId"));
    assertEquals(List.of("dark", "bright"), answer.getList("classNames"));
    assertEquals(
        List.of(
            "white.png",
            "notes.txt",
            "black.jpg",
            "more.zip/a/grey-light.png",
            "more.zip/b/dark.png",
            "huge.png",
            "seventh.png"),
        answer.getList("predictions.file"));
    assertEquals("bright", answer.getString("predictions[0].top[0].name"));
    assertTrue(answer.getDouble("predictions[0].top[0].probability") > 0.99);
    assertEquals(1, answer.getList("predictions[0].top").size(), "top=1 asked for one class");
    assertTrue(
        answer.getString("predictions[1].error").startsWith("not an image Kiln can read"),
        answer.getString("predictions[1].error"));
    assertEquals("dark", answer.getString("predictions[2].top[0].name"));
    assertEquals("bright", answer.getString("predictions[3].top[0].name"));
    assertEquals("dark", answer.getString("predictions[4].top[0].name"));
    assertTrue(
        answer.getString("predictions[5].error").startsWith("too large (0.3 MB; at most 0 MB"),
        answer.getString("predictions[5].error"));

    assertEquals(
        "not read: more than 6 images in one request", answer.getString("predictions[6].error"));

    JsonPath log =
        Api.as()
            .get("/api/runs/" + runId + "/predict/log")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertTrue(log.getLong("requests") >= 1);
    assertTrue(log.getLong("images") >= 6 && log.getLong("failed") >= 2);
    assertEquals("admin", log.getString("recent[-1].by"));
  }

  /**
   * Issue 33's "Why?": a gray image whose top-left quadrant is white is "bright" because of that
   * quadrant, so hiding it is what drops the class; asked again, the map comes from the cache.
   */
  @Test
  void whyShowsTheBrightQuadrantAndIsCached() throws Exception {
    BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(new Color(115, 115, 115));
    g.fillRect(0, 0, 16, 16);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 8, 8);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    JsonPath why =
        Api.as()
            .multiPart("file", "corner.png", out.toByteArray(), "image/png")
            .post("/api/runs/" + runId + "/predict/why")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("bright", why.getString("className"));
    assertEquals(8, why.getInt("inputSize"));
    int rows = why.getInt("rows");
    List<Float> cells = why.getList("cells", Float.class);
    assertEquals(rows * rows, cells.size());
    double inside = 0;
    double all = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < rows; c++) {
        double v = Math.max(0, cells.get(r * rows + c));
        all += v;
        inside += r < rows / 2 && c < rows / 2 ? v : 0;
      }
    }
    assertTrue(inside / all > 0.8, "the white quadrant holds the map's mass: " + cells);
    assertFalse(why.getBoolean("cached"));
    Api.as()
        .multiPart("file", "again.png", out.toByteArray(), "image/png")
        .post("/api/runs/" + runId + "/predict/why")
        .then()
        .statusCode(200)
        .body("cached", org.hamcrest.Matchers.equalTo(true))
        .body("file", org.hamcrest.Matchers.equalTo("again.png"));
    Api.as()
        .multiPart("file", "a.png", png(Color.WHITE), "image/png")
        .multiPart("file", "b.png", png(Color.BLACK), "image/png")
        .post("/api/runs/" + runId + "/predict/why")
        .then()
        .statusCode(400)
        .body("error", org.hamcrest.Matchers.containsString("one image"));
  }

  @Test
  void anApiKeyPredictsForItsTeamOnlyAndStopsWhenRevoked() throws Exception {
    JsonPath created =
        Api.as()
            .contentType(ContentType.JSON)
            .body(Map.of("name", "ci pipeline"))
            .post("/api/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    String secret = created.getString("secret");
    long keyId = created.getLong("key.id");
    assertTrue(secret.startsWith("kk_") && secret.startsWith(created.getString("key.hint")));
    assertTrue(
        Api.as().get("/api/api-keys").jsonPath().getList("id").contains((int) keyId),
        "listed for its owner");

    given()
        .header("Authorization", "Bearer " + secret)
        .multiPart("file", "white.png", png(Color.WHITE), "image/png")
        .post("/api/runs/" + runId + "/predict")
        .then()
        .statusCode(200)
        .body("predictions[0].top[0].name", org.hamcrest.Matchers.equalTo("bright"));
    given().header("Authorization", "Bearer " + secret).get("/api/runs").then().statusCode(403);
    String by =
        Api.as().get("/api/runs/" + runId + "/predict/log").jsonPath().getString("recent[-1].by");
    assertEquals("API key ci pipeline", by);
    assertTrue(
        Api.as()
                .get("/api/api-keys")
                .jsonPath()
                .getString("find { it.id == " + keyId + " }.lastUsedAt")
            != null);

    long otherTeam = People.team("predict-other");
    String otherSecret =
        Api.as()
            .contentType(ContentType.JSON)
            .body(Map.of("name", "other team", "teamId", otherTeam))
            .post("/api/api-keys")
            .then()
            .statusCode(201)
            .extract()
            .path("secret");
    given()
        .header("Authorization", "Bearer " + otherSecret)
        .multiPart("file", "white.png", png(Color.WHITE), "image/png")
        .post("/api/runs/" + runId + "/predict")
        .then()
        .statusCode(404)
        .body("error", containsString("run " + runId + " does not exist"));

    Api.as().delete("/api/api-keys/" + keyId).then().statusCode(204);
    given()
        .header("Authorization", "Bearer " + secret)
        .multiPart("file", "white.png", png(Color.WHITE), "image/png")
        .post("/api/runs/" + runId + "/predict")
        .then()
        .statusCode(401);
    Api.as().delete("/api/api-keys/" + keyId).then().statusCode(404);
  }

  @Test
  void aModelWithoutOnnxSaysWhyAndNoFilesIsA400() throws Exception {
    long old = runWithModel(null, "no-onnx");
    Api.as()
        .multiPart("file", "white.png", png(Color.WHITE), "image/png")
        .post("/api/runs/" + old + "/predict")
        .then()
        .statusCode(409)
        .body("error", containsString("trained before Kiln exported models to ONNX"));
    Api.as()
        .multiPart("name", "nothing")
        .post("/api/runs/" + runId + "/predict")
        .then()
        .statusCode(400)
        .body("error", containsString("form field 'file'"));
    Api.as()
        .multiPart("file", "white.png", png(Color.WHITE), "image/png")
        .queryParam("top", 0)
        .post("/api/runs/" + runId + "/predict")
        .then()
        .statusCode(400)
        .body("fields[0].field", org.hamcrest.Matchers.equalTo("top"));
    // A zip with more files than one request may hold: the rest are counted in one line.
    Map<String, byte[]> many = new java.util.HashMap<>();
    for (int i = 0; i < 9; i++) {
      many.put("img" + i + ".png", png(new Color(i * 20, i * 20, i * 20)));
    }
    JsonPath big =
        Api.as()
            .multiPart("file", "many.zip", zip(many), "application/zip")
            .post("/api/runs/" + runId + "/predict")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(7, big.getList("predictions").size(), "6 answered, and one line for the rest");
    assertTrue(
        big.getString("predictions[6].error").startsWith("3 more file(s) not read"),
        big.getString("predictions[6].error"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", " "))
        .post("/api/api-keys")
        .then()
        .statusCode(400)
        .body("fields[0].field", org.hamcrest.Matchers.equalTo("name"));
  }

  @Test
  void predictionsAnswerWhileEveryAgentIsBusyTraining() throws Exception {
    TestAgent.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "busy")) {
      Api.cancelQueuedRuns();
      long training = Api.createRun(Map.of("datasetId", Api.uploadValid("busy"), "name", "busy"));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      agent.send(new AgentMessage.RunStarted(training, a.nextSeq(), "cpu()", 10, 100));
      agent.expect(BackendMessage.Ack.class);
      // The only agent holds a run, and another waits in the queue behind it.
      long queued = Api.createRun(Map.of("datasetId", Api.uploadValid("queued"), "name", "queued"));
      Api.as()
          .multiPart("file", "white.png", png(Color.WHITE), "image/png")
          .post("/api/runs/" + runId + "/predict")
          .then()
          .statusCode(200)
          .body("predictions[0].top[0].name", org.hamcrest.Matchers.equalTo("bright"));
      agent.send(new AgentMessage.RunFinished(training, a.nextSeq() + 1, "FAILED", "test over"));
      agent.expect(BackendMessage.Ack.class);
      Api.as().post("/api/runs/" + queued + "/cancel").then().statusCode(200);
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  @Test
  void hugePicturesAreReadSubsampledWithinTheDecodeBudgetAndARequestStopsAtItsPixels()
      throws Exception {
    // 16 megapixels of 16-bit RGBA: 128 MB decoded whole, four times the tests' 32 MB budget.
    byte[] huge = HostileImages.uniformPng16(4000, 4000, 65535, 65535, 65535, 65535);
    assertTrue(huge.length < 200_000, "small on disk: " + huge.length);
    // Eight at once from one caller: two are decoded (the rest are told how many are in progress,
    // and when to try again), each within the budget, and everything is given back.
    List<CompletableFuture<JsonPath>> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      answers.add(
          CompletableFuture.supplyAsync(
              () ->
                  Api.as()
                      .multiPart("file", "a.png", huge, "image/png")
                      .multiPart("file", "b.png", huge, "image/png")
                      .post("/api/runs/" + runId + "/predict")
                      .then()
                      .extract()
                      .jsonPath()));
    }
    int decoded = 0;
    int turnedAway = 0;
    for (CompletableFuture<JsonPath> answer : answers) {
      JsonPath json = answer.get(120, TimeUnit.SECONDS);
      if (Integer.valueOf(429).equals(json.get("status"))) {
        turnedAway++;
        assertTrue(
            json.getString("error").contains("predictions in progress")
                || json.getString("error").contains("busy"),
            json.getString("error"));
        continue;
      }
      decoded++;
      assertEquals("bright", json.getString("predictions[0].top[0].name"));
      assertEquals("bright", json.getString("predictions[1].top[0].name"));
    }
    assertTrue(
        decoded >= 1 && turnedAway >= 1, decoded + " decoded, " + turnedAway + " turned away");
    assertEquals(decoding.budget().bytes(), decoding.budget().available(), "all given back");
    // A request decodes at most 40 megapixels (the tests' limit): the rest get a note.
    JsonPath limited =
        Api.as()
            .multiPart("file", "1.png", huge, "image/png")
            .multiPart("file", "2.png", huge, "image/png")
            .multiPart("file", "3.png", huge, "image/png")
            .multiPart("file", "4.png", huge, "image/png")
            .post("/api/runs/" + runId + "/predict")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals(
        Arrays.asList(null, null, null), limited.getList("predictions.error").subList(0, 3));
    assertTrue(
        limited.getString("predictions[3].error").contains("may decode 40 megapixels"),
        limited.getString("predictions[3].error"));
    // A TIFF reader here decodes the whole picture: 4 megapixels cost 48 MB, past the budget, so
    // it is refused naming the limit, and the rest of the batch is answered.
    BufferedImage big = new BufferedImage(2000, 2000, BufferedImage.TYPE_INT_RGB);
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("tiff").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionType("Deflate");
    try (var out = ImageIO.createImageOutputStream(tiff)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(big, null, null), param);
    }
    writer.dispose();
    JsonPath refused =
        Api.as()
            .multiPart("file", "big.tiff", tiff.toByteArray(), "image/tiff")
            .multiPart("file", "white.png", png(Color.WHITE), "image/png")
            .post("/api/runs/" + runId + "/predict")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertTrue(
        refused.getString("predictions[0].error").contains("(32 MB)"),
        refused.getString("predictions[0].error"));
    assertEquals("bright", refused.getString("predictions[1].top[0].name"));
  }

  @Test
  void topThatIsNotANumberIsA400NamingIt() {
    Api.as()
        .multiPart("file", "white.png", new byte[] {1}, "image/png")
        .queryParam("top", "abc")
        .post("/api/runs/" + runId + "/predict")
        .then()
        .statusCode(400)
        .body("fields[0].field", org.hamcrest.Matchers.equalTo("top"));
  }

  /** A run that an agent finished with this ONNX model (or none) in its archive. */
  private long runWithModel(byte[] onnx, String name) throws Exception {
    String meta =
        "{\"architecture\":\"small-cnn\",\"classNames\":[\"dark\",\"bright\"],"
            + "\"inputShape\":[1,8,8],\"mean\":[0.5],\"std\":[0.25]"
            + (onnx == null ? "" : ",\"onnx\":{\"file\":\"model.onnx\"}")
            + "}";
    Map<String, byte[]> files =
        onnx == null
            ? Map.of("kiln-model.json", meta.getBytes(StandardCharsets.UTF_8))
            : Map.of("kiln-model.json", meta.getBytes(StandardCharsets.UTF_8), "model.onnx", onnx);
    return TestAgent.succeededRunWithModel(base, name, files);
  }

  /** Mean brightness, normalized, through a linear layer: bright images score "bright". */
  static byte[] onnxModel() {
    OnnxGraph g = new OnnxGraph();
    String x = g.input("image", 1, 8, 8);
    x = g.sub(x, g.constant("mean", new float[] {0.5f}, 1, 1, 1, 1));
    x = g.div(x, g.constant("std", new float[] {0.25f}, 1, 1, 1, 1));
    x = g.flatten(g.globalAveragePool(x));
    String logits =
        g.rename(
            g.linear(
                x, g.constant("w", new float[] {-4, 4}, 2, 1), g.constant("b", new float[2], 2)),
            "logits");
    g.output(logits, 2);
    g.output(g.rename(g.softmax(logits), "probabilities"), 2);
    return g.toBytes("test", "PredictTest", "dark or bright");
  }

  private static byte[] png(Color color) throws Exception {
    return image(color, "png");
  }

  private static byte[] jpeg(Color color) throws Exception {
    return image(color, "jpg");
  }

  private static byte[] image(Color color, String format) throws Exception {
    BufferedImage image = new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, 20, 12);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  private static byte[] zip(Map<String, byte[]> files) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String name : new java.util.TreeSet<>(files.keySet())) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(files.get(name));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
