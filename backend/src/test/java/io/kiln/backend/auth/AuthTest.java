package io.kiln.backend.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.kiln.backend.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuthTest {
  @Test
  void loginReturnsATokenAndAnHttpOnlyCookie() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
        .post("/api/auth/login")
        .then()
        .statusCode(200)
        .body("token", startsWith("ks_"))
        .body("role", equalTo("admin"))
        .cookie("kiln_session", notNullValue())
        .header("Set-Cookie", containsString("HttpOnly"));
  }

  @Test
  void theCookieAloneAuthenticates() {
    String token = Api.token();
    given()
        .cookie("kiln_session", token)
        .get("/api/auth/me")
        .then()
        .statusCode(200)
        .body("username", equalTo("admin"))
        .body("roles", hasItem("admin"));
  }

  @Test
  void repeatedFailuresForANameAreSlowedDownWithA429() {
    // The test profile's first wait is 60 s (kiln.login-backoff-seconds), so the 429 below cannot
    // be missed on a slow machine.
    String name = "nobody-" + System.nanoTime();
    for (int i = 0; i < 5; i++) {
      given()
          .contentType(ContentType.JSON)
          .body(Map.of("username", name, "password", "guess-" + i))
          .post("/api/auth/login")
          .then()
          .statusCode(401);
    }
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", name, "password", "guess-5"))
        .post("/api/auth/login")
        .then()
        .statusCode(401);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", name.toUpperCase(), "password", "guess-6"))
        .post("/api/auth/login")
        .then()
        .statusCode(429)
        .header("Retry-After", "60")
        .body("error", containsString("too many failed logins"));
    Api.as().get("/api/auth/me").then().statusCode(200);
  }

  @Test
  void wrongPasswordIsAJson401() {
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", "admin", "password", "nope"))
        .post("/api/auth/login")
        .then()
        .statusCode(401)
        .contentType(ContentType.JSON)
        .body("error", equalTo("wrong username or password"));
  }

  @Test
  void missingCredentialsAreA400() {
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .post("/api/auth/login")
        .then()
        .statusCode(400)
        .body("error", containsString("required"));
  }

  @Test
  void apiNeedsAuthenticationAndSaysSo() {
    for (String path : new String[] {"/api/runs", "/api/datasets", "/api/auth/me", "/api/agents"}) {
      given()
          .get(path)
          .then()
          .statusCode(401)
          .contentType(ContentType.JSON)
          .body("error", containsString("log in"));
    }
    given().header("Authorization", "Bearer ks_forged").get("/api/runs").then().statusCode(401);
  }

  @Test
  void aStaleCookieDoesNotBlockLoggingIn() {
    given()
        .cookie("kiln_session", "ks_expired")
        .contentType(ContentType.JSON)
        .body(Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
        .post("/api/auth/login")
        .then()
        .statusCode(200);
  }

  @Test
  void logoutEndsTheSession() {
    String token =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
            .post("/api/auth/login")
            .then()
            .extract()
            .path("token");
    given().header("Authorization", "Bearer " + token).get("/api/runs").then().statusCode(200);
    given().cookie("kiln_session", token).post("/api/auth/logout").then().statusCode(204);
    given().header("Authorization", "Bearer " + token).get("/api/runs").then().statusCode(401);
  }

  @Test
  void anApiClientLogsOutWithItsBearerToken() {
    String token =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("username", "admin", "password", Api.ADMIN_PASSWORD))
            .post("/api/auth/login")
            .then()
            .extract()
            .path("token");
    given()
        .header("Authorization", "Bearer " + token)
        .post("/api/auth/logout")
        .then()
        .statusCode(204);
    given().header("Authorization", "Bearer " + token).get("/api/runs").then().statusCode(401);
  }

  @Test
  void healthIsPublicButMetricsAndTheApiDocumentAreForAdmins() {
    given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
    given().get("/q/openapi").then().statusCode(401);
    given().get("/q/metrics").then().statusCode(401);
    Api.as().get("/q/openapi").then().statusCode(200).body(containsString("/api/runs"));
    Api.as().get("/q/metrics").then().statusCode(200);
  }
}
