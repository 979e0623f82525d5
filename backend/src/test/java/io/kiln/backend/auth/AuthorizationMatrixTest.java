package io.kiln.backend.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.People;
import io.kiln.backend.support.People.Person;
import io.kiln.backend.support.TestAgent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Who may call what, generated from the OpenAPI document so a new endpoint cannot be forgotten:
 * every operation is tried as each identity (anonymous, a disabled person, a revoked agent, an
 * agent, a member of another team, a member, a lead, an admin) and must answer as the rules say.
 *
 * <p>Team objects are real: a dataset, a finished run and a preset of team A, made by its lead.
 * Refused calls change nothing, so the identities that must be refused try every operation on them.
 * Identities that are let through try only what cannot change data (reads, creates whose body fails
 * validation, ids that exist nowhere: 999999), and must get past security (not 401, not 403). A new
 * operation that changes a team object is refused to members by default: the matrix fails until it
 * is listed as one members may use.
 */
@QuarkusTest
class AuthorizationMatrixTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
  private static final String NOWHERE = "999999";

  /** Admin-only operations (path prefixes; the teams list is every person's). */
  private static final List<String> ADMIN_ONLY =
      List.of(
          "/api/users",
          "/api/audit",
          "/api/admin",
          "/api/agents",
          "POST /api/teams",
          "POST /api/pretrained");

  /** Leads' and admins' operations (path prefixes): a team's webhooks carry its secrets. */
  private static final List<String> LEADS_ONLY = List.of("/api/webhooks");

  /** Operations on a team object that a member who did not create it may use (reads aside). */
  private static final Set<String> MEMBERS_MAY =
      Set.of(
          "POST /api/datasets/{id}/versions",
          "POST /api/presets/{id}/preview",
          "POST /api/runs/{id}/predict",
          "POST /api/runs/{id}/predict/why",
          "POST /api/datasets/{id}/label-checks");

  /** Operations that would change data even when their body is refused, never run when allowed. */
  private static final Set<String> NEVER_RUN_WHEN_ALLOWED =
      Set.of(
          "POST /api/datasets/sample",
          "POST /api/agents/enrollment-tokens",
          "POST /api/auth/password");

  @Test
  void everyOperationAnswersEachIdentityAsTheRulesSay() throws Exception {
    JsonNode openApi =
        new ObjectMapper()
            .readTree(Api.as().queryParam("format", "json").get("/q/openapi").asString());
    long teamA = People.team("matrix-a");
    long teamB = People.team("matrix-b");
    Person lead = People.create("lead", teamA);
    Person member = People.create("member", teamA);
    Person outsider = People.create("member", teamB);
    Person disabled = People.create("member", teamA);
    People.disable(disabled, true);
    long dataset = People.dataset(lead, "matrix");
    long run = People.run(lead, dataset);
    lead.as().post("/api/runs/" + run + "/cancel").then().statusCode(200);
    String preset =
        lead.as()
            .contentType(ContentType.JSON)
            .body(Map.of("name", "Matrix preset", "fields", Map.of("epochs", 2)))
            .post("/api/presets")
            .then()
            .statusCode(201)
            .extract()
            .path("id");
    String agent = TestAgent.enroll("matrix").getString("credential");
    var revoked = TestAgent.enroll("matrix-revoked");
    Api.as().post("/api/agents/" + revoked.getLong("agentId") + "/revoke").then().statusCode(200);
    String revokedAgent = revoked.getString("credential");

    Map<String, Supplier<RequestSpecification>> refusedAlways =
        Map.of(
            "anonymous", () -> given(),
            "a disabled person", disabled::as,
            "a revoked agent", () -> bearer(revokedAgent));
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    int calls = 0;
    for (var path = openApi.path("paths").fields(); path.hasNext(); ) {
      var entry = path.next();
      String template = entry.getKey();
      boolean agentsOwn = template.startsWith("/api/agent/");
      String objectUrl = objectUrl(template, dataset, run, preset);
      String nowhereUrl = template.replaceAll("\\{[^}]+}", NOWHERE);
      for (var op = entry.getValue().fields(); op.hasNext(); ) {
        var operation = op.next();
        if (!METHODS.contains(operation.getKey())) {
          continue;
        }
        String method = operation.getKey().toUpperCase();
        String name = method + " " + template;
        JsonNode security = operation.getValue().path("security");
        if (security.isArray() && security.isEmpty()) {
          continue; // public: login, logout, enroll
        }
        String type = bodyType(operation.getValue());
        checked++;
        String url = objectUrl != null ? objectUrl : nowhereUrl;
        for (var who : refusedAlways.entrySet()) {
          calls +=
              expect(wrong, who.getKey(), method, url, 401, () -> body(who.getValue().get(), type));
        }
        if (agentsOwn) {
          for (Person p : List.of(member, lead, outsider)) {
            calls += expect(wrong, "a person", method, nowhereUrl, 403, () -> body(p.as(), type));
          }
          calls += expect(wrong, "an admin", method, nowhereUrl, 403, () -> body(Api.as(), type));
          continue;
        }
        calls += expect(wrong, "an agent", method, url, 403, () -> body(bearer(agent), type));
        boolean adminOnly =
            ADMIN_ONLY.stream().anyMatch(a -> name.startsWith(a) || template.startsWith(a));
        if (adminOnly) {
          for (Person p : List.of(member, lead, outsider)) {
            calls += expect(wrong, p.username(), method, nowhereUrl, 403, () -> body(p.as(), type));
          }
          if (!NEVER_RUN_WHEN_ALLOWED.contains(name) && !method.equals("POST")
              || template.contains("{")) {
            calls += passes(wrong, "an admin", method, nowhereUrl, () -> body(Api.as(), type));
          }
          continue;
        }
        if (LEADS_ONLY.stream().anyMatch(a -> template.startsWith(a))) {
          calls +=
              expect(
                  wrong, member.username(), method, nowhereUrl, 403, () -> body(member.as(), type));
          calls += passes(wrong, lead.username(), method, nowhereUrl, () -> body(lead.as(), type));
          calls += passes(wrong, "an admin", method, nowhereUrl, () -> body(Api.as(), type));
          continue;
        }
        boolean reads = method.equals("GET");
        if (objectUrl != null) {
          calls +=
              expect(
                  wrong,
                  "a member of another team",
                  method,
                  objectUrl,
                  404,
                  () -> body(outsider.as(), type));
          if (reads) {
            for (Person p : List.of(member, lead)) {
              calls += passes(wrong, p.username(), method, objectUrl, () -> body(p.as(), type));
            }
            calls += passes(wrong, "an admin", method, objectUrl, () -> body(Api.as(), type));
          } else if (!MEMBERS_MAY.contains(name)) {
            calls +=
                expect(
                    wrong,
                    "a member who did not create it",
                    method,
                    objectUrl,
                    403,
                    () -> body(member.as(), type));
          }
          continue;
        }
        if (reads || !NEVER_RUN_WHEN_ALLOWED.contains(name)) {
          for (Person p : List.of(member, outsider, lead)) {
            calls += passes(wrong, p.username(), method, url, () -> body(p.as(), type));
          }
        }
      }
    }
    assertTrue(checked > 45, "operations checked: " + checked);
    assertEquals(List.of(), wrong, calls + " calls");
    System.out.printf("authorization matrix: %d operations, %d calls%n", checked, calls);
  }

  @Test
  void onlyPeopleOfTheRunsTeamWatchItAndOnlyAgentsOpenTheAgentChannel() {
    given().get("/ws/runs/1").then().statusCode(401);
    bearer(TestAgent.enroll("matrix-ws").getString("credential"))
        .get("/ws/runs/1")
        .then()
        .statusCode(403);
    Api.as().get("/ws/agent").then().statusCode(401);
  }

  /** The URL on team A's real object when the path names one, else null. */
  private static String objectUrl(String template, long dataset, long run, String preset) {
    String id =
        template.startsWith("/api/datasets/{id}")
            ? Long.toString(dataset)
            : template.startsWith("/api/runs/{id}")
                ? Long.toString(run)
                : template.startsWith("/api/presets/{id}") ? preset : null;
    return id == null ? null : template.replace("{id}", id).replaceAll("\\{[^}]+}", NOWHERE);
  }

  private static RequestSpecification bearer(String token) {
    return given().header("Authorization", "Bearer " + token);
  }

  /** The media type the operation reads (the first the document names), or null without a body. */
  private static String bodyType(JsonNode operation) {
    var types = operation.path("requestBody").path("content").fieldNames();
    return types.hasNext() ? types.next() : null;
  }

  /** A body of the operation's own media type that fails validation, so nothing is created. */
  private static RequestSpecification body(RequestSpecification spec, String type) {
    if (type == null) {
      return spec;
    }
    if (type.equals("multipart/form-data")) {
      return spec.multiPart("file", "x.zip", new byte[] {1, 2, 3}, "application/zip");
    }
    return type.contains("json")
        ? spec.contentType(ContentType.JSON).body(Map.of())
        : spec.contentType(type).body(new byte[] {1, 2, 3});
  }

  private static int expect(
      List<String> wrong,
      String who,
      String method,
      String url,
      int status,
      Supplier<RequestSpecification> request) {
    int actual = request.get().request(method, url).statusCode();
    if (actual != status) {
      wrong.add(method + " " + url + " as " + who + ": " + actual + ", expected " + status);
    }
    return 1;
  }

  /** Let through: anything but 401 and 403 (404 for an id that exists nowhere, 400, 200...). */
  private static int passes(
      List<String> wrong,
      String who,
      String method,
      String url,
      Supplier<RequestSpecification> request) {
    int actual = request.get().request(method, url).statusCode();
    if (actual == 401 || actual == 403 || actual >= 500) {
      wrong.add(
          method + " " + url + " as " + who + ": " + actual + ", expected to get past security");
    }
    return 1;
  }
}
