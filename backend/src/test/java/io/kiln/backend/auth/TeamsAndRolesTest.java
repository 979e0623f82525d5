package io.kiln.backend.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.LiveClient;
import io.kiln.backend.support.People;
import io.kiln.backend.support.People.Person;
import io.kiln.backend.support.TestZips;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Teams keep their objects to themselves (another team's answer 404), members change only their own
 * runs, leads every run of their teams, and every change lands in the audit log.
 */
@QuarkusTest
class TeamsAndRolesTest {
  @TestHTTPResource("/")
  URI base;

  private static long vision;
  private static long audio;
  private static Person member;
  private static Person colleague;
  private static Person lead;
  private static Person outsider;

  @BeforeEach
  void people() {
    if (member != null) {
      return;
    }
    vision = People.team("vision");
    audio = People.team("audio");
    member = People.create("member", vision);
    colleague = People.create("member", vision);
    lead = People.create("lead", vision);
    outsider = People.create("member", audio);
  }

  @Test
  void anotherTeamsDatasetsRunsAndPresetsDoNotExistForYou() throws Exception {
    long dataset = People.dataset(member, "team-cats");
    long run = People.run(member, dataset);
    member
        .as()
        .get("/api/datasets/" + dataset)
        .then()
        .statusCode(200)
        .body("id", equalTo((int) dataset));
    colleague
        .as()
        .get("/api/runs/" + run)
        .then()
        .statusCode(200)
        .body("teamId", equalTo((int) vision));

    outsider
        .as()
        .get("/api/datasets")
        .then()
        .statusCode(200)
        .body("id", not(hasItem((int) dataset)));
    outsider.as().get("/api/runs").then().statusCode(200).body("id", not(hasItem((int) run)));
    outsider.as().get("/api/datasets/" + dataset).then().statusCode(404);
    outsider
        .as()
        .get("/api/runs/" + run)
        .then()
        .statusCode(404)
        .body("error", containsString("run " + run));
    outsider.as().get("/api/runs/" + run + "/metrics").then().statusCode(404);
    outsider.as().get("/api/runs/" + run + "/suggestions").then().statusCode(404);
    outsider.as().post("/api/runs/" + run + "/cancel").then().statusCode(404);
    outsider.as().get("/api/compare?runs=" + run + "," + run + "0").then().statusCode(404);
    outsider
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", dataset))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("error", containsString("does not exist"));
    try (LiveClient watcher = new LiveClient(base, run, -1, outsider.token())) {
      JsonNode error = watcher.next("error");
      assertEquals(
          "run " + run + " does not exist",
          error.path("error").asText(),
          "the same as a run that never was");
    }

    String preset =
        member
            .as()
            .contentType(ContentType.JSON)
            .body(Map.of("name", "Team preset", "fields", Map.of("epochs", 3)))
            .post("/api/presets")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    outsider.as().get("/api/presets/" + preset).then().statusCode(404);
    outsider.as().get("/api/presets").then().body("id", not(hasItem(preset)));
    colleague.as().get("/api/presets").then().body("id", hasItem(preset));
    colleague
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "Mine now", "fields", Map.of("epochs", 4)))
        .put("/api/presets/" + preset)
        .then()
        .statusCode(403);
    lead.as().delete("/api/presets/" + preset).then().statusCode(204);
    member.as().post("/api/runs/" + run + "/cancel").then().statusCode(200);
  }

  @Test
  void membersChangeTheirOwnRunsAndLeadsReviewAndArchiveTheTeams() {
    long run = People.run(member, People.dataset(member, "review-cats"));
    colleague
        .as()
        .post("/api/runs/" + run + "/cancel")
        .then()
        .statusCode(403)
        .body("error", containsString("team lead"));
    lead.as()
        .contentType(ContentType.JSON)
        .body(Map.of("decision", "approved"))
        .post("/api/runs/" + run + "/review")
        .then()
        .statusCode(409)
        .body("error", containsString("still queued"));
    lead.as().post("/api/runs/" + run + "/cancel").then().statusCode(200);

    member
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("decision", "approved"))
        .post("/api/runs/" + run + "/review")
        .then()
        .statusCode(403);
    lead.as()
        .contentType(ContentType.JSON)
        .body(Map.of("decision", "maybe"))
        .post("/api/runs/" + run + "/review")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("decision"));
    lead.as()
        .contentType(ContentType.JSON)
        .body(Map.of("decision", "rejected", "comment", "<b>overfits</b>"))
        .post("/api/runs/" + run + "/review")
        .then()
        .statusCode(200)
        .body("review.decision", equalTo("rejected"))
        .body("review.by", equalTo(lead.username()))
        .body("review.comment", equalTo("<b>overfits</b>"));

    member
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("tags", List.of("Baseline", "cnn"), "remarks", "first try"))
        .put("/api/runs/" + run + "/annotation")
        .then()
        .statusCode(200)
        .body("tags", equalTo(List.of("baseline", "cnn")))
        .body("remarks", equalTo("first try"));
    colleague
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("tags", List.of("x")))
        .put("/api/runs/" + run + "/annotation")
        .then()
        .statusCode(403);
    member
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("tags", List.of("<script>")))
        .put("/api/runs/" + run + "/annotation")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("tags"));

    member.as().post("/api/runs/" + run + "/archive").then().statusCode(403);
    lead.as()
        .post("/api/runs/" + run + "/archive")
        .then()
        .statusCode(200)
        .body("archivedAt", not(equalTo(null)));
    lead.as()
        .post("/api/runs/" + run + "/restore")
        .then()
        .statusCode(200)
        .body("archivedAt", equalTo(null));

    Api.as()
        .queryParam("actor", lead.username())
        .get("/api/audit")
        .then()
        .statusCode(200)
        .body("action", hasItem("run-reviewed"))
        .body("action", hasItem("run-archived"))
        .body("action", hasItem("run-cancelled"));
    member.as().get("/api/audit").then().statusCode(403);
    Api.as().queryParam("action", "nonsense").get("/api/audit").then().statusCode(400);
  }

  @Test
  void newObjectsGoToTheChosenTeamOnlyIfItIsYours() {
    Person both = People.create("member", vision, audio);
    both.as()
        .get("/api/auth/me")
        .then()
        .statusCode(200)
        .body("teams.id", hasItem((int) audio))
        .body("role", equalTo("member"));
    long dataset = People.dataset(both, "default-team");
    long inAudio =
        Long.parseLong(
            both.as()
                .header("Kiln-Team", audio)
                .multiPart(
                    "file",
                    "audio.zip",
                    io.kiln.backend.support.TestZips.create().images("a", 6).images("b", 6).bytes(),
                    "application/zip")
                .post("/api/datasets")
                .then()
                .statusCode(201)
                .extract()
                .path("id")
                .toString());
    outsider.as().get("/api/datasets/" + inAudio).then().statusCode(200);
    outsider.as().get("/api/datasets/" + dataset).then().statusCode(404);
    both.as()
        .header("Kiln-Team", audio)
        .get("/api/datasets")
        .then()
        .body("id", hasItem((int) inAudio))
        .body("id", not(hasItem((int) dataset)));
    member.as().header("Kiln-Team", audio).get("/api/datasets").then().statusCode(404);
  }

  @Test
  void onlyAnAdminMayBeInNoTeamAndATeamlessPersonCreatesNothing() {
    Person admin = People.create("admin");
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("role", "member"))
        .put("/api/users/" + admin.id())
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("teamIds"));
    Api.as()
        .get("/api/users")
        .then()
        .body("find { it.id == " + admin.id() + " }.role", equalTo("admin"));
    Person stranded = People.create("member", vision);
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("teamIds", List.of()))
        .put("/api/users/" + stranded.id())
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("teamIds"));

    // A member left in no team by an older Kiln: creating anything names the problem, and nothing
    // lands in the Default team.
    QuarkusTransaction.requiringNew()
        .run(() -> AppUser.<AppUser>findById(stranded.id()).teams.clear());
    stranded
        .as()
        .multiPart(
            "file",
            "cats.zip",
            TestZips.create().images("a", 6).images("b", 6).bytes(),
            "application/zip")
        .post("/api/datasets")
        .then()
        .statusCode(403)
        .body("error", containsString("is in no team yet"));
    stranded
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "stranded", "basedOn", "balanced"))
        .post("/api/presets")
        .then()
        .statusCode(403);
    stranded.as().get("/api/auth/me").then().statusCode(200).body("teams", equalTo(List.of()));
    Api.as().get("/api/presets").then().body("name", not(hasItem("stranded")));
  }

  @Test
  void anOpenRunSocketFollowsItsPersonsAuthority() throws Exception {
    long run = People.run(member, People.dataset(member, "watched-cats"));
    Person moved = People.create("member", vision);
    Person loggedOut = People.create("member", vision);
    Person disabled = People.create("member", vision);
    try (LiveClient stays = new LiveClient(base, run, -1, colleague.token());
        LiveClient movedOut = new LiveClient(base, run, -1, moved.token());
        LiveClient gone = new LiveClient(base, run, -1, loggedOut.token());
        LiveClient locked = new LiveClient(base, run, -1, disabled.token())) {
      for (LiveClient watcher : List.of(stays, movedOut, gone, locked)) {
        watcher.next("snapshot");
      }
      Api.as()
          .contentType(ContentType.JSON)
          .body(Map.of("teamIds", List.of(audio)))
          .put("/api/users/" + moved.id())
          .then()
          .statusCode(200);
      assertEquals(
          "You may no longer see this run: your teams or role changed.",
          movedOut.next("error").path("error").asText());
      assertEquals(4403, movedOut.closeCode());

      loggedOut.as().post("/api/auth/logout").then().statusCode(204);
      assertThat(gone.next("error").path("error").asText(), containsString("session has ended"));
      assertEquals(4401, gone.closeCode());

      People.disable(disabled, true);
      assertEquals(4401, locked.closeCode());

      member.as().post("/api/runs/" + run + "/cancel").then().statusCode(200);
      assertEquals("cancelled", stays.next("run").path("run").path("state").asText());
      for (LiveClient refused : List.of(movedOut, gone, locked)) {
        assertTrue(
            refused.drain().stream().noneMatch(m -> m.path("type").asText().equals("run")),
            "nothing reaches a socket after it was refused");
      }
    }
  }

  @Test
  void disabledPeopleAreLockedOutAndPasswordsChange() {
    Person gone = People.create("member", vision);
    People.disable(gone, true);
    gone.as().get("/api/runs").then().statusCode(401);
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("username", gone.username(), "password", gone.password()))
        .post("/api/auth/login")
        .then()
        .statusCode(401)
        .body("error", equalTo("wrong username or password"));
    People.disable(gone, false);

    Person person = People.create("member", vision);
    People.changePassword(person, "wrong", "a-long-new-password")
        .statusCode(400)
        .body("fields[0].field", equalTo("currentPassword"));
    People.changePassword(person, person.password(), "short").statusCode(400);
    People.changePassword(person, person.password(), "a-long-new-password").statusCode(204);
    People.login(person.username(), "a-long-new-password");

    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("username", "Bad Name!", "role", "member"))
        .post("/api/users")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("username"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("username", person.username(), "role", "member", "teamIds", List.of(vision)))
        .post("/api/users")
        .then()
        .statusCode(409);
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("username", "someone-new", "role", "member", "teamIds", List.of()))
        .post("/api/users")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("teamIds"));
    lead.as().get("/api/users").then().statusCode(403);
  }

  @Test
  void crossSiteRequestsAndUpgradesAreRefused() {
    member
        .as()
        .header("Origin", "https://evil.example")
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", 1))
        .post("/api/runs")
        .then()
        .statusCode(403)
        .body("error", containsString("cross-site"));
    given()
        .header("Origin", "https://evil.example")
        .contentType(ContentType.JSON)
        .body(Map.of("username", "admin", "password", "x"))
        .post("/api/auth/login")
        .then()
        .statusCode(403);
    String self = base.toString().replaceAll("/$", "");
    member
        .as()
        .header("Origin", self)
        .contentType(ContentType.JSON)
        .body(Map.of())
        .post("/api/runs")
        .then()
        .statusCode(400);
    member
        .as()
        .header("Origin", "https://evil.example")
        .header("Upgrade", "websocket")
        .header("Connection", "Upgrade")
        .get("/ws/runs/1")
        .then()
        .statusCode(403);
  }

  @Test
  void kilnsDataIsPrivateToItsUser() throws Exception {
    People.dataset(member, "private");
    Path root = Path.of("target/kiln-test-data");
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("datasets"))));
    try (var files = Files.list(root.resolve("datasets"))) {
      for (Path file : files.toList()) {
        assertEquals(
            "rw-------",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
            file.toString());
      }
    }
  }
}
