package io.kiln.backend.openapi;

import com.fasterxml.jackson.annotation.JsonTypeName;
import io.kiln.backend.live.LiveMessage;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * Adds the run WebSocket's messages ({@link LiveMessage}) to the document's schemas, one per record
 * with its {@code type} name, and {@code LiveMessage} as their union. The socket has no operation
 * in OpenAPI; its messages are here so the browser's types come from the same document.
 */
final class LiveSchemas {
  private LiveSchemas() {}

  static void add(OpenAPI openApi) {
    if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
      return;
    }
    Map<String, Schema> schemas = openApi.getComponents().getSchemas();
    Schema union =
        OASFactory.createSchema()
            .description("A message of the run WebSocket /ws/runs/{id}, told apart by its type.");
    for (Class<?> type : LiveMessage.class.getPermittedSubclasses()) {
      String name = "Live" + type.getSimpleName();
      openApi.getComponents().addSchema(name, message(type, schemas));
      union.addOneOf(OASFactory.createSchema().ref(name));
    }
    openApi.getComponents().addSchema("LiveMessage", union);
  }

  private static Schema message(Class<?> type, Map<String, Schema> schemas) {
    String typeName = type.getAnnotation(JsonTypeName.class).value();
    Schema schema =
        OASFactory.createSchema()
            .addType(SchemaType.OBJECT)
            .addProperty(
                "type",
                OASFactory.createSchema()
                    .addType(SchemaType.STRING)
                    .enumeration(List.of(typeName)));
    List<String> required = new ArrayList<>(List.of("type"));
    for (RecordComponent component : type.getRecordComponents()) {
      schema.addProperty(component.getName(), of(component.getGenericType(), schemas));
      required.add(component.getName());
    }
    return schema.required(required);
  }

  /** The schema of a component: a string, a list, or a view the document already has. */
  private static Schema of(Type type, Map<String, Schema> schemas) {
    if (type == String.class) {
      return OASFactory.createSchema().addType(SchemaType.STRING);
    }
    if (type instanceof ParameterizedType list && list.getRawType() == List.class) {
      return OASFactory.createSchema()
          .addType(SchemaType.ARRAY)
          .items(of(list.getActualTypeArguments()[0], schemas));
    }
    if (type instanceof Class<?> view && schemas.containsKey(view.getSimpleName())) {
      return OASFactory.createSchema().ref(view.getSimpleName());
    }
    throw new IllegalStateException(
        "LiveSchemas cannot describe " + type + ": add it to LiveSchemas.of");
  }
}
