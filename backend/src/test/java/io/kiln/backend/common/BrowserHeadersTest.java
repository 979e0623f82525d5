package io.kiln.backend.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.kiln.backend.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Issue 30: the page, its files and the API carry the headers that keep a browser safe. */
@QuarkusTest
class BrowserHeadersTest {
  @Test
  void thePageIsRevalidatedAndNeitherFramedNorAllowedInlineScript() {
    String page =
        given()
            .get("/")
            .then()
            .statusCode(200)
            .header("Content-Security-Policy", containsString("script-src 'self';"))
            .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
            .header("X-Content-Type-Options", equalTo("nosniff"))
            .header("Referrer-Policy", equalTo("same-origin"))
            .header("Cache-Control", equalTo("no-cache"))
            .extract()
            .asString();
    Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(page);
    if (!script.find()) {
      throw new AssertionError("the page names no hashed script: " + page);
    }
    given()
        .get(script.group(1))
        .then()
        .statusCode(200)
        .header("Cache-Control", equalTo("public, max-age=31536000, immutable"))
        .header("X-Content-Type-Options", equalTo("nosniff"));
  }

  @Test
  void apiAnswersAndErrorsCarryThemToo() {
    Api.as()
        .get("/api/runs")
        .then()
        .statusCode(200)
        .header("X-Content-Type-Options", equalTo("nosniff"))
        .header("Content-Security-Policy", matchesPattern("default-src 'self';.*"));
    given().get("/api/runs").then().statusCode(401).header("X-Frame-Options", equalTo("DENY"));
  }
}
