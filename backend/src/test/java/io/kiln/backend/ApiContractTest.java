package io.kiln.backend;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The browser's TypeScript types (frontend/src/api.ts) must name exactly the fields the API's
 * OpenAPI document gives, so a renamed field breaks the build instead of the page.
 */
@QuarkusTest
class ApiContractTest {
  private static final Path API_TS = Path.of("../frontend/src/api.ts");

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"RunView, Run", "DatasetView, Dataset", "MetricView, MetricPoint", "AgentView, Agent",
      "FieldView, RecipeField", "AdviceView, Suggestion", "BackboneView, Backbone", "PresetView, Preset",
      "Finding, Finding"})
  void typeScriptInterfaceMatchesOpenApiSchema(String schema, String tsInterface) throws Exception {
    JsonNode openApi = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi").asString());
    JsonNode properties = openApi.path("components").path("schemas").path(schema).path("properties");
    assertTrue(properties.size() > 0, "OpenAPI has schema " + schema);
    Set<String> expected = new TreeSet<>();
    properties.fieldNames().forEachRemaining(expected::add);
    assertEquals(expected, interfaceFields(tsInterface), "fields of interface " + tsInterface + " in api.ts");
  }

  private static Set<String> interfaceFields(String name) throws Exception {
    String source = Files.readString(API_TS);
    Matcher body = Pattern.compile("export interface " + name + " \\{(.*?)\\n\\}", Pattern.DOTALL).matcher(source);
    assertTrue(body.find(), "api.ts declares interface " + name);
    Set<String> fields = new TreeSet<>();
    Matcher field = Pattern.compile("^  (\\w+)\\??:", Pattern.MULTILINE).matcher(body.group(1));
    while (field.find()) {
      fields.add(field.group(1));
    }
    return fields;
  }
}
