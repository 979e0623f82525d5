package io.kiln.backend.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.People;
import io.kiln.backend.support.People.Person;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

  /**
   * Issue 30: 14 simultaneous wrong guesses for one name are not all checked: each attempt is
   * counted before its password is, so 5 free ones and the one that starts the wait are checked and
   * the rest are told to wait.
   */
  @Test
  void simultaneousGuessesCannotRaceTheCount() throws Exception {
    Person target = People.create("member", 1L);
    List<CompletableFuture<Integer>> guesses = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 14; i++) {
      String guess = "guess-" + i;
      guesses.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return login(target.username(), guess, "203.0.113.9").statusCode();
              },
              Executors.newCachedThreadPool()));
    }
    go.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<Integer> guess : guesses) {
      statuses.add(guess.get(60, TimeUnit.SECONDS));
    }
    assertEquals(6, Collections.frequency(statuses, 401), statuses.toString());
    assertEquals(8, Collections.frequency(statuses, 429), statuses.toString());
    login(target.username(), target.password(), "203.0.113.9").then().statusCode(429);
    // The owner, from their own address, is not locked out by the guesses from another.
    login(target.username(), target.password(), "198.51.100.7").then().statusCode(200);
  }

  /** Failures for many names from one address do not lock out a right password from it. */
  @Test
  void manyNamesFailingFromOneAddressDoNotLockOutAnotherName() {
    for (int i = 0; i < 25; i++) {
      login("sprayed-" + i + "-" + System.nanoTime(), "wrong-password", "192.0.2.44")
          .then()
          .statusCode(401);
    }
    login("admin", Api.ADMIN_PASSWORD, "192.0.2.44").then().statusCode(200);
  }

  @Test
  void aPasswordChangeIsThrottledLikeALogin() {
    Person person = People.create("member", 1L);
    for (int i = 0; i < 6; i++) {
      People.changePassword(person, "wrong-" + i, "a-long-new-password").statusCode(400);
    }
    People.changePassword(person, person.password(), "a-long-new-password")
        .statusCode(429)
        .header("Retry-After", notNullValue());
  }

  /** A login from {@code address}, which the test profile trusts the loopback proxy to forward. */
  private static io.restassured.response.Response login(
      String username, String password, String address) {
    return given()
        .contentType(ContentType.JSON)
        .header("X-Forwarded-For", address)
        .body(Map.of("username", username, "password", password))
        .post("/api/auth/login");
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
