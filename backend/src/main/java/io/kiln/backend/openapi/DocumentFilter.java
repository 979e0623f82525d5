package io.kiln.backend.openapi;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;

/**
 * Finishes the OpenAPI document that SmallRye builds from the resources (registered in
 * application.properties): the run WebSocket's messages ({@link LiveSchemas}), core's metric names
 * ({@link MetricSchemas}), which properties a response always has and which may be null ({@link
 * ResponseShapes}), and on every operation what {@link io.kiln.backend.common.ErrorMappers}
 * guarantees: a 4xx reply carries an {@link io.kiln.backend.common.ErrorBody}. The browser's types
 * are generated from the result.
 */
public class DocumentFilter implements OASFilter {
  @Override
  public void filterOpenAPI(OpenAPI openApi) {
    hideMessageKeys(openApi);
    LiveSchemas.add(openApi);
    MetricSchemas.add(openApi);
    ResponseShapes.apply(openApi);
    if (openApi.getPaths() == null) {
      return;
    }
    for (PathItem path : openApi.getPaths().getPathItems().values()) {
      for (Operation operation : path.getOperations().values()) {
        if (operation.getResponses() != null && !operation.getResponses().hasAPIResponse("4XX")) {
          operation
              .getResponses()
              .addAPIResponse(
                  "4XX",
                  OASFactory.createAPIResponse()
                      .description(
                          "the request was refused: the error, and for forms the fields at fault")
                      .content(
                          OASFactory.createContent()
                              .addMediaType(
                                  "application/json",
                                  OASFactory.createMediaType()
                                      .schema(OASFactory.createSchema().ref("ErrorBody")))));
        }
      }
    }
  }

  /** A field error's message key stays on the server (JacksonSettings leaves it out of JSON). */
  private static void hideMessageKeys(OpenAPI openApi) {
    if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
      return;
    }
    var schemas = openApi.getComponents().getSchemas();
    if (schemas.get("FieldError") != null) {
      schemas.get("FieldError").removeProperty("text");
    }
    if (schemas.get("Adjustment") != null) {
      schemas.get("Adjustment").removeProperty("whyText");
    }
    if (schemas.containsKey("Text")) {
      openApi.getComponents().removeSchema("Text");
    }
  }
}
