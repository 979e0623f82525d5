package io.kiln.backend.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestZips;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileSystemException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 30: answers that were 500 or silently wrong name the problem with the right status. */
@QuarkusTest
class WrongStatusesTest {
  @TestHTTPResource("/")
  URI base;

  @Test
  void aNumberSentAsTextIsRefusedNamingTheField() {
    long dataset = dataset();
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", dataset, "epochs", 1, "priority", "10"))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("priority"))
        .body("fields[0].message", equalTo("must be a whole number"));
  }

  @Test
  void seedsUpTo9e15AreAcceptedAndLargerOnesNameTheRange() {
    long dataset = dataset();
    Api.as()
        .contentType(ContentType.JSON)
        .body("{\"datasetId\": " + dataset + ", \"epochs\": 1, \"seed\": 9e15}")
        .post("/api/runs")
        .then()
        .statusCode(201)
        .body("recipe.seed", equalTo(9_000_000_000_000_000L));
    Api.as()
        .contentType(ContentType.JSON)
        .body("{\"datasetId\": " + dataset + ", \"epochs\": 1, \"seed\": 9007199254740992}")
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("seed"))
        .body("fields[0].message", containsString("9000000000000000"));
  }

  @Test
  void aMalformedMultipartBodyIsA400() throws Exception {
    for (String type :
        new String[] {
          "multipart/form-data; boundary=",
          "multipart/form-data; boundary=zz",
          "multipart/form-data"
        }) {
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(base.resolve("/api/datasets"))
                      .header("Authorization", "Bearer " + Api.token())
                      .header("Content-Type", type)
                      .POST(HttpRequest.BodyPublishers.ofString("--not the boundary\r\ngarbage"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(400, answer.statusCode(), type + ": " + answer.body());
    }
  }

  @Test
  void aLoginBodyOverSixtyFourKilobytesIsRefusedBeforeItIsRead() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"username\": \"admin\", \"password\": \"" + "x".repeat(100_000) + "\"}")
        .post("/api/auth/login")
        .then()
        .statusCode(413)
        .body("error", containsString("64 KB"));
  }

  @Test
  void aFullDiskIsA507SayingSo() {
    ErrorMappers mappers = new ErrorMappers();
    var full =
        mappers.unexpected(
            new UncheckedIOException(
                new FileSystemException("/data/uploads/x", null, "No space left on device")));
    assertEquals(507, full.getStatus());
    assertTrue(((ErrorBody) full.getEntity()).error().contains("disk is full"));
    assertFalse(ErrorMappers.diskFull(new IOException("connection reset")));
  }

  private static long dataset() {
    return ((Number)
            Api.as()
                .multiPart(
                    "file",
                    "pets.zip",
                    TestZips.create().images("cats", 6).images("dogs", 6).bytes(),
                    "application/zip")
                .post("/api/datasets")
                .then()
                .statusCode(201)
                .extract()
                .path("id"))
        .longValue();
  }
}
