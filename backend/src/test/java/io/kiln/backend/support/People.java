package io.kiln.backend.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Teams and accounts made through the admin API, and requests as those people. */
public final class People {
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static final String RUN = Long.toString(System.nanoTime() % 100_000, 36);

  private People() {}

  /** Someone who logged in: their bearer token and (for checks) their password. */
  public record Person(long id, String username, String password, String token) {
    public RequestSpecification as() {
      return given().header("Authorization", "Bearer " + token);
    }
  }

  /** A new team with a name unique to this test run. */
  public static long team(String name) {
    Number id =
        Api.as()
            .contentType(ContentType.JSON)
            .body(Map.of("name", name + "-" + RUN + "-" + NEXT.incrementAndGet()))
            .post("/api/teams")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return id.longValue();
  }

  /** A new account with this role in these teams, logged in. */
  public static Person create(String role, Long... teams) {
    String username = (role + "-" + RUN + "-" + NEXT.incrementAndGet()).toLowerCase();
    var created =
        Api.as()
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "username",
                    username,
                    "role",
                    role,
                    "teamIds",
                    List.of(Arrays.copyOf(teams, teams.length))))
            .post("/api/users")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    String password = created.getString("password");
    return new Person(created.getLong("user.id"), username, password, login(username, password));
  }

  /** The admin disables (true) or enables (false) this account. */
  public static void disable(Person person, boolean disabled) {
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("disabled", disabled))
        .put("/api/users/" + person.id())
        .then()
        .statusCode(200)
        .body("disabled", org.hamcrest.Matchers.equalTo(disabled));
  }

  /** This person asks to change their own password. */
  public static io.restassured.response.ValidatableResponse changePassword(
      Person person, String current, String next) {
    return person
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("currentPassword", current, "newPassword", next))
        .post("/api/auth/password")
        .then();
  }

  public static String login(String username, String password) {
    return given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", username, "password", password))
        .post("/api/auth/login")
        .then()
        .statusCode(200)
        .extract()
        .path("token");
  }

  /** A small valid dataset uploaded by this person (into their first team). */
  public static long dataset(Person person, String name) {
    return upload(person.as(), name);
  }

  /** A small valid dataset uploaded by the admin into this team. */
  public static long datasetIn(long team) {
    return upload(Api.as().header("Kiln-Team", team), "team-" + team);
  }

  private static long upload(RequestSpecification as, String name) {
    byte[] zip = TestZips.create().images("cats", 6).images("dogs", 6).bytes();
    Number id =
        as.multiPart("file", name + ".zip", zip, "application/zip")
            .post("/api/datasets")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return id.longValue();
  }

  public static long run(Person person, long datasetId) {
    Number id =
        person
            .as()
            .contentType(ContentType.JSON)
            .body(Map.of("datasetId", datasetId, "epochs", 2))
            .post("/api/runs")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    return id.longValue();
  }
}
