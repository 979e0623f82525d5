package io.kiln.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.auth.AppUser;
import io.kiln.backend.live.LiveMessage;
import io.kiln.backend.openapi.ResponseShapes;
import io.kiln.backend.support.Api;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.RecipeField;
import io.kiln.core.run.FailureClass;
import io.kiln.core.run.RunState;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract with API users and the browser: the OpenAPI document is complete (what a client
 * generator and {@code redocly lint} need: servers, a security scheme and an operationId on every
 * operation, a schema for every JSON body), and the browser's TypeScript types are generated from
 * exactly this document (frontend/openapi.json), so a renamed field breaks the build instead of the
 * page.
 */
@QuarkusTest
class ApiContractTest {
  private static final Path BROWSER_COPY = Path.of("../frontend/openapi.json");
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");
  private static JsonNode openApi;

  @BeforeEach
  void load() throws Exception {
    if (openApi == null) {
      String document = Api.as().queryParam("format", "json").get("/q/openapi").asString();
      // Kept for API users and for `npx @redocly/cli lint target/openapi.json`.
      Files.writeString(Path.of("target/openapi.json"), document);
      openApi = new ObjectMapper().readTree(document);
    }
  }

  /**
   * The browser builds its types from frontend/openapi.json (npm run api), so that file must be the
   * document this server serves: a backend change reaches the browser's build, which fails where a
   * page reads what is no longer there.
   */
  @Test
  void theBrowserBuildsItsTypesFromTheServedDocument() throws Exception {
    JsonNode committed = new ObjectMapper().readTree(Files.readString(BROWSER_COPY));
    assertTrue(
        committed.equals(openApi),
        "the API changed: run `cp backend/target/openapi.json frontend/openapi.json`, then `npm run"
            + " build` in frontend/ and fix what its type check finds");
  }

  /** Enumerations written by hand in @Schema follow the Java enums they name. */
  @Test
  void enumeratedStatesAreTheJavaEnums() {
    assertEquals(
        Arrays.stream(RunState.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList(),
        enumeration("RunView", "state"));
    assertEquals(
        Arrays.stream(FailureClass.values()).map(FailureClass::wireName).toList(),
        enumeration("Attempt", "failureClass"));
    assertEquals(
        Arrays.stream(RecipeField.Type.values())
            .map(t -> t.name().toLowerCase(Locale.ROOT))
            .toList(),
        enumeration("FieldView", "type"));
    assertEquals(AppUser.ROLES, enumeration("UserView", "role"));
    assertEquals(AppUser.ROLES, enumeration("Me", "role"));
    assertEquals(List.of(MetricKind.STEP, MetricKind.EPOCH), enumeration("MetricView", "kind"));
  }

  /** A view Jackson writes without its nulls is one the document says leaves them out. */
  @Test
  void viewsThatOmitNullsAreKnownToTheDocument() throws Exception {
    Set<String> omitting = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m =
            Pattern.compile(
                    "@JsonInclude\\(JsonInclude\\.Include\\.NON_NULL\\)\\s+public record (\\w+)")
                .matcher(Files.readString(file));
        while (m.find()) {
          omitting.add(m.group(1));
        }
      }
    }
    Set<String> known = new TreeSet<>();
    ResponseShapes.OMITS_NULLS.forEach(type -> known.add(type.getSimpleName()));
    assertEquals(known, omitting);
  }

  /** The browser's metric names are core's Metric, with each one's scope (MetricSchemas). */
  @Test
  void theMetricNamesAreCoresMetricContract() {
    JsonNode schema = openApi.path("components").path("schemas").path("MetricName");
    List<String> names = new ArrayList<>();
    schema.path("enum").forEach(n -> names.add(n.asText()));
    assertEquals(Arrays.stream(Metric.values()).map(Metric::key).toList(), names);
    for (Metric m : Metric.values()) {
      assertEquals(
          m.scope().name().toLowerCase(Locale.ROOT),
          schema.path("x-kiln-metrics").path(m.key()).path("scope").asText(),
          m.key());
    }
  }

  /** Each live message record is in the document, with its type name and its fields. */
  @Test
  void theLiveMessagesAreInTheDocument() {
    JsonNode union = openApi.path("components").path("schemas").path("LiveMessage").path("oneOf");
    assertEquals(LiveMessage.class.getPermittedSubclasses().length, union.size());
    for (Class<?> type : LiveMessage.class.getPermittedSubclasses()) {
      JsonNode schema =
          openApi.path("components").path("schemas").path("Live" + type.getSimpleName());
      assertEquals(
          type.getAnnotation(JsonTypeName.class).value(),
          schema.path("properties").path("type").path("enum").path(0).asText());
      assertEquals(type.getRecordComponents().length + 1, schema.path("required").size());
    }
  }

  private static List<String> enumeration(String schema, String property) {
    List<String> values = new ArrayList<>();
    openApi
        .path("components")
        .path("schemas")
        .path(schema)
        .path("properties")
        .path(property)
        .path("enum")
        .forEach(v -> values.add(v.asText()));
    return values;
  }

  @Test
  void theDocumentNamesItsServerAndSecuritySchemes() {
    assertTrue(openApi.path("servers").size() > 0, "servers");
    JsonNode schemes = openApi.path("components").path("securitySchemes");
    assertEquals("cookie", schemes.path("sessionCookie").path("in").asText());
    assertEquals("bearer", schemes.path("bearerToken").path("scheme").asText());
    assertTrue(openApi.path("security").size() == 2, "every operation needs a session by default");
  }

  @Test
  void everyOperationHasAnIdAndTypedBodies() {
    List<String> problems = new ArrayList<>();
    Set<String> ids = new TreeSet<>();
    int operations = 0;
    for (var path = openApi.path("paths").fields(); path.hasNext(); ) {
      var entry = path.next();
      for (var op = entry.getValue().fields(); op.hasNext(); ) {
        var operation = op.next();
        if (!METHODS.contains(operation.getKey())) {
          continue;
        }
        operations++;
        String where = operation.getKey().toUpperCase() + " " + entry.getKey();
        JsonNode o = operation.getValue();
        String id = o.path("operationId").asText("");
        if (id.isEmpty() || !ids.add(id)) {
          problems.add(where + ": missing or duplicate operationId '" + id + "'");
        }
        JsonNode body = o.path("requestBody").path("content");
        body.fields()
            .forEachRemaining(
                c -> {
                  if (c.getValue().path("schema").isMissingNode()) {
                    problems.add(where + ": request body " + c.getKey() + " has no schema");
                  }
                });
        boolean success = false;
        for (var response = o.path("responses").fields(); response.hasNext(); ) {
          var r = response.next();
          if (!r.getKey().startsWith("2")) {
            continue;
          }
          success = true;
          if (!r.getKey().equals("204") && r.getValue().path("content").isEmpty()) {
            problems.add(where + ": response " + r.getKey() + " says nothing of its content");
          }
          r.getValue()
              .path("content")
              .fields()
              .forEachRemaining(
                  c -> {
                    if (c.getKey().contains("json")
                        && c.getValue().path("schema").isMissingNode()) {
                      problems.add(where + ": response " + r.getKey() + " has no schema");
                    }
                  });
        }
        if (!success) {
          problems.add(where + ": no 2xx response");
        }
      }
    }
    assertTrue(operations > 30, "operations found: " + operations);
    assertEquals(List.of(), problems);
  }

  /**
   * The document passes {@code redocly lint} with its recommended rules, without a warning (npm
   * {@code @redocly/cli}, installed with the frontend's dev dependencies).
   */
  @Test
  void redoclyFindsNothingToComplainAbout() throws Exception {
    Path redocly = Path.of("../frontend/node_modules/.bin/redocly");
    assertTrue(Files.isExecutable(redocly), "npm install in frontend/ brings @redocly/cli");
    Process lint =
        new ProcessBuilder(
                redocly.toString(),
                "lint",
                "target/openapi.json",
                "--config=redocly.yaml",
                "--format=stylish")
            .redirectErrorStream(true)
            .start();
    String output =
        new String(lint.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, lint.waitFor(), output);
    assertTrue(
        output.contains("Your API description is valid") && !output.contains("You have"), output);
  }

  @Test
  void publicOperationsSayTheyNeedNoSession() {
    for (String path : List.of("/api/auth/login", "/api/agents/enroll")) {
      JsonNode security = openApi.path("paths").path(path).path("post").path("security");
      assertTrue(security.isArray() && security.isEmpty(), path + " security: " + security);
    }
  }
}
