package io.kiln.backend.common;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestZips;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 30: a name others will read cannot hold a character they cannot see or that turns the text
 * around it (U+202E shows "gpj.exe" as "exe.jpg"): a 400 naming the field and the character, and
 * nothing stored.
 */
@QuarkusTest
class HiddenCharactersInNamesTest {
  private static io.restassured.specification.MultiPartSpecification text(
      String name, String value) {
    return new io.restassured.builder.MultiPartSpecBuilder(value)
        .controlName(name)
        .charset("UTF-8")
        .build();
  }

  @Test
  void aDatasetRunPresetTeamOrKeyNameWithAHiddenCharacterIsRefused() {
    byte[] zip = TestZips.create().images("cats", 6).images("dogs", 6).bytes();
    Api.as()
        .multiPart("file", "pets.zip", zip, "application/zip")
        .multiPart(text("name", "pets\u202Egpj.exe"))
        .post("/api/datasets")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("name"))
        .body("error", containsString("(U+202E)"));
    Api.as().get("/api/datasets").then().body("name", not(hasItem(containsString("gpj"))));

    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "vision\u200B"))
        .post("/api/teams")
        .then()
        .statusCode(400)
        .body("fields[0].message", equalTo("holds U+200B"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "\u2067evil", "basedOn", "balanced"))
        .post("/api/presets")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("name"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "key\u0085"))
        .post("/api/api-keys")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("name"));

    long dataset =
        ((Number)
                Api.as()
                    .multiPart("file", "pets.zip", zip, "application/zip")
                    .multiPart(text("name", "پت\u200Cها"))
                    .post("/api/datasets")
                    .then()
                    .statusCode(201)
                    .body("name", equalTo("پت\u200Cها"))
                    .extract()
                    .path("id"))
            .longValue();
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", dataset, "epochs", 1, "name", "run\u00AD1"))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("name"));
  }
}
