package io.kiln.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.live.LiveMessage;
import io.kiln.backend.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract with API users and the browser: the OpenAPI document is complete (what a client
 * generator and {@code redocly lint} need: servers, a security scheme and an operationId on every
 * operation, a schema for every JSON body), and the browser's TypeScript types
 * (frontend/src/api.ts, live.ts) name exactly the fields the document gives, nested objects
 * included, so a renamed field breaks the build instead of the page.
 */
@QuarkusTest
class ApiContractTest {
  private static final Path API_TS = Path.of("../frontend/src/api.ts");
  private static final Path LIVE_TS = Path.of("../frontend/src/live.ts");
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

  /** Each OpenAPI schema and the interface of api.ts that mirrors it. */
  private static final Map<String, String> MIRRORS =
      Map.ofEntries(
          Map.entry("RunView", "Run"),
          Map.entry("Attempt", "RunAttempt"),
          Map.entry("PendingToken", "PendingToken"),
          Map.entry("AgentDetail", "AgentDetail"),
          Map.entry("Labels", "AgentLabels"),
          Map.entry("ConfusedPair", "ConfusedPair"),
          Map.entry("DatasetView", "Dataset"),
          Map.entry("MetricView", "MetricPoint"),
          Map.entry("AgentView", "Agent"),
          Map.entry("FieldView", "RecipeField"),
          Map.entry("AdviceView", "Suggestion"),
          Map.entry("AutopilotStory", "AutopilotStory"),
          Map.entry("AutopilotStep", "AutopilotStep"),
          Map.entry("FieldChange", "FieldChange"),
          Map.entry("BackboneView", "Backbone"),
          Map.entry("PretrainedView", "PretrainedView"),
          Map.entry("StartingPointsView", "StartingPointsView"),
          Map.entry("StartOption", "StartOption"),
          Map.entry("StartRecommendation", "StartRecommendation"),
          Map.entry("PresetView", "Preset"),
          Map.entry("Finding", "Finding"),
          Map.entry("RunEvaluation", "Evaluation"),
          Map.entry("ClassScore", "ClassScore"),
          Map.entry("Cell", "ConfusionCell"),
          Map.entry("Mistake", "Mistake"),
          Map.entry("RunAdjustments", "RunAdjustments"),
          Map.entry("Adjustment", "Adjustment"),
          Map.entry("PresetPreview", "PresetPreview"),
          Map.entry("Estimate", "Estimate"),
          Map.entry("Me", "Me"),
          Map.entry("Session", "Session"),
          Map.entry("Availability", "SampleAvailability"),
          Map.entry("EnrollmentTokenView", "EnrollmentToken"),
          Map.entry("TokenRequest", "TokenRequest"),
          Map.entry("Revoked", "Revoked"),
          Map.entry("DeviceInfo", "Device"),
          Map.entry("FieldError", "FieldError"),
          Map.entry("ErrorBody", "ErrorBody"),
          Map.entry("Statistics", "DatasetStatistics"),
          Map.entry("SplitInfo", "SplitInfo"),
          Map.entry("VersionRef", "VersionRef"),
          Map.entry("RunRequest", "RunRequest"),
          Map.entry("PresetBody", "PresetBody"),
          Map.entry("PreviewRequest", "PreviewRequest"),
          Map.entry("ResplitRequest", "ResplitRequest"),
          Map.entry("SampleRequest", "SampleRequest"),
          Map.entry("Credentials", "Credentials"),
          Map.entry("Annotation", "RunAnnotation"),
          Map.entry("Review", "RunReview"),
          Map.entry("ReviewRequest", "ReviewRequest"),
          Map.entry("CompareView", "CompareView"),
          Map.entry("ComparedRun", "ComparedRun"),
          Map.entry("Comparison", "Comparison"),
          Map.entry("Difference", "RecipeDifference"),
          Map.entry("Result", "ComparisonResult"),
          Map.entry("Recall", "ClassRecall"),
          Map.entry("Entry", "AuditEntry"),
          Map.entry("TeamView", "Team"),
          Map.entry("NewTeam", "NewTeam"),
          Map.entry("NewUser", "NewUser"),
          Map.entry("UserChange", "UserChange"),
          Map.entry("UserView", "User"),
          Map.entry("UserWithPassword", "UserWithPassword"),
          Map.entry("PasswordChange", "PasswordChange"),
          Map.entry("Curves", "RunCurves"),
          Map.entry("ClassProbability", "ClassProbability"),
          Map.entry("Prediction", "Prediction"),
          Map.entry("PredictionResult", "PredictionResult"),
          Map.entry("LoggedRequest", "LoggedRequest"),
          Map.entry("PredictionLogView", "PredictionLogView"),
          Map.entry("ApiKeyView", "ApiKeyView"),
          Map.entry("NewApiKey", "NewApiKey"),
          Map.entry("CreatedApiKey", "CreatedApiKey"));

  /** Schemas the browser never sees: the agent's enrollment, and Instant (a string). */
  private static final Set<String> NOT_FOR_THE_BROWSER =
      Set.of("Enrolled", "EnrollRequest", "Instant");

  static Stream<Arguments> mirrors() {
    return MIRRORS.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("mirrors")
  void typeScriptInterfaceMatchesOpenApiSchema(String schema, String tsInterface) throws Exception {
    assertEquals(
        schemaFields(schema),
        interfaceFields(API_TS, tsInterface),
        "fields of interface " + tsInterface + " in api.ts");
  }

  /** A new body type cannot reach the browser untyped: every schema has its mirror in api.ts. */
  @Test
  void everySchemaHasATypeScriptMirror() {
    Set<String> unmirrored = new TreeSet<>();
    openApi.path("components").path("schemas").fieldNames().forEachRemaining(unmirrored::add);
    unmirrored.removeAll(MIRRORS.keySet());
    unmirrored.removeAll(NOT_FOR_THE_BROWSER);
    assertEquals(
        Set.of(), unmirrored, "schemas without an interface in api.ts (add them to MIRRORS)");
  }

  /** Each live message record and its TypeScript counterpart in live.ts carry the same fields. */
  @Test
  void theLiveEnvelopeMatchesLiveTs() throws Exception {
    for (Class<?> type : LiveMessage.class.getPermittedSubclasses()) {
      Set<String> fields = new TreeSet<>();
      fields.add("type");
      for (var component : type.getRecordComponents()) {
        fields.add(component.getName());
      }
      String tsName = "Live" + type.getSimpleName() + "Message";
      assertEquals(fields, interfaceFields(LIVE_TS, tsName), "live.ts interface for " + type);
      String name = type.getAnnotation(JsonTypeName.class).value();
      assertTrue(
          Files.readString(LIVE_TS)
              .contains("export interface " + tsName + " {\n  type: '" + name + "';"),
          tsName + " has type '" + name + "'");
    }
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

  private static Set<String> schemaFields(String schema) {
    JsonNode properties =
        openApi.path("components").path("schemas").path(schema).path("properties");
    assertTrue(properties.size() > 0, "OpenAPI has schema " + schema);
    Set<String> expected = new TreeSet<>();
    properties.fieldNames().forEachRemaining(expected::add);
    return expected;
  }

  private static Set<String> interfaceFields(Path file, String name) throws Exception {
    String source = Files.readString(file);
    Matcher body =
        Pattern.compile(
                "export interface " + name + " (?:extends [\\w, ]+ )?\\{(.*?)\\n\\}",
                Pattern.DOTALL)
            .matcher(source);
    assertTrue(body.find(), file.getFileName() + " declares interface " + name);
    Set<String> fields = new TreeSet<>();
    Matcher field = Pattern.compile("^  (\\w+)\\??:", Pattern.MULTILINE).matcher(body.group(1));
    while (field.find()) {
      fields.add(field.group(1));
    }
    return fields;
  }
}
