package io.kiln.backend.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.support.Api;
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
 * every operation is tried anonymously (401 unless it is public), with an agent's credential (403
 * everywhere but the agent's own file endpoints) and as a person on the agent's endpoints (403).
 * Refused calls change nothing, so the matrix runs against the shared app. Ids that exist nowhere
 * (999999) keep an operation that is let through from touching data.
 */
@QuarkusTest
class AuthorizationMatrixTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  @Test
  void everyOperationRefusesTheIdentitiesItMustRefuse() throws Exception {
    JsonNode openApi =
        new ObjectMapper()
            .readTree(Api.as().queryParam("format", "json").get("/q/openapi").asString());
    String agent = agentCredential();
    List<String> wrong = new ArrayList<>();
    int checked = 0;
    for (var path = openApi.path("paths").fields(); path.hasNext(); ) {
      var entry = path.next();
      String url = entry.getKey().replaceAll("\\{[^}]+}", "999999");
      boolean agentsOwn = entry.getKey().startsWith("/api/agent/");
      for (var op = entry.getValue().fields(); op.hasNext(); ) {
        var operation = op.next();
        if (!METHODS.contains(operation.getKey())) {
          continue;
        }
        String method = operation.getKey().toUpperCase();
        JsonNode security = operation.getValue().path("security");
        if (security.isArray() && security.isEmpty()) {
          continue; // public: login, logout, enroll
        }
        String type = bodyType(operation.getValue());
        checked++;
        expect(wrong, "anonymous", method, url, 401, () -> request(given(), type));
        if (agentsOwn) {
          expect(wrong, "a person", method, url, 403, () -> request(Api.as(), type));
        } else {
          expect(
              wrong,
              "an agent",
              method,
              url,
              403,
              () -> request(given().header("Authorization", "Bearer " + agent), type));
        }
      }
    }
    assertTrue(checked > 30, "operations checked: " + checked);
    assertEquals(List.of(), wrong);
  }

  @Test
  void onlyPeopleWatchRunsAndOnlyAgentsOpenTheAgentChannel() {
    given().get("/ws/runs/1").then().statusCode(401);
    given()
        .header("Authorization", "Bearer " + agentCredential())
        .get("/ws/runs/1")
        .then()
        .statusCode(403);
    Api.as().get("/ws/agent").then().statusCode(401);
  }

  /** The media type the operation reads (the first the document names), or null without a body. */
  private static String bodyType(JsonNode operation) {
    var types = operation.path("requestBody").path("content").fieldNames();
    return types.hasNext() ? types.next() : null;
  }

  /** A body of the operation's own media type, so the request reaches the security check. */
  private static RequestSpecification request(RequestSpecification spec, String type) {
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

  private static void expect(
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
  }

  private static String agentCredential() {
    return TestAgent.enroll("matrix").getString("credential");
  }
}
