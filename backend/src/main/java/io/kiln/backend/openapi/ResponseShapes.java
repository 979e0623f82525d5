package io.kiln.backend.openapi;

import io.kiln.backend.common.ErrorBody;
import io.kiln.backend.dataset.DatasetView;
import io.kiln.backend.run.RunEvaluation;
import io.kiln.core.compare.ComparedRun;
import io.kiln.core.compare.Comparison;
import io.kiln.core.contract.MayBeNull;
import io.kiln.core.predict.TopClasses;
import io.kiln.core.preset.Adjustment;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.recipe.FieldError;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * Makes the OpenAPI document say what Jackson writes, so the browser's generated types are exact:
 * every property of a response body is present ({@code required}), and it is null only where the
 * Java side says so ({@code @Schema(nullable = true)} on backend views; {@link MayBeNull} or a
 * boxed number on the core records the API serves). Request bodies keep their own required lists: a
 * client may leave out what has a default.
 */
public final class ResponseShapes {
  /** Core records served as they are; the backend's own views carry {@code @Schema} instead. */
  private static final List<Class<?>> CORE_VIEWS =
      List.of(
          ComparedRun.class,
          Comparison.class,
          Comparison.Difference.class,
          Comparison.Result.class,
          Comparison.Recall.class,
          AgentMessage.DeviceInfo.class,
          Adjustment.class,
          TopClasses.ClassProbability.class,
          FieldError.class);

  /** The views marked {@code @JsonInclude(NON_NULL)}: a null property is absent from their JSON. */
  public static final List<Class<?>> OMITS_NULLS =
      List.of(ErrorBody.class, RunEvaluation.class, DatasetView.SplitInfo.class);

  private static final Set<Class<?>> BOXED =
      Set.of(Long.class, Integer.class, Double.class, Float.class, Boolean.class, Short.class);

  private ResponseShapes() {}

  static void apply(OpenAPI openApi) {
    if (openApi.getComponents() == null || openApi.getComponents().getSchemas() == null) {
      return;
    }
    Map<String, Schema> schemas = openApi.getComponents().getSchemas();
    for (Class<?> type : CORE_VIEWS) {
      Schema schema = schemas.get(type.getSimpleName());
      if (schema != null) {
        markNullable(schema, type);
      }
    }
    Set<String> requests = requestSchemas(openApi, schemas);
    Set<String> omitsNulls = new HashSet<>();
    OMITS_NULLS.forEach(type -> omitsNulls.add(type.getSimpleName()));
    for (var entry : schemas.entrySet()) {
      Schema schema = entry.getValue();
      if (requests.contains(entry.getKey()) || schema.getProperties() == null) {
        continue;
      }
      boolean absentWhenNull = omitsNulls.contains(entry.getKey());
      List<String> required = new ArrayList<>();
      schema
          .getProperties()
          .forEach(
              (name, property) -> {
                if (!absentWhenNull || !isNullable(property)) {
                  required.add(name);
                }
              });
      schema.setRequired(required.isEmpty() ? null : required);
    }
  }

  private static void markNullable(Schema schema, Class<?> type) {
    if (!type.isRecord() || schema.getProperties() == null) {
      return;
    }
    for (RecordComponent component : type.getRecordComponents()) {
      Schema property = schema.getProperties().get(component.getName());
      if (property == null) {
        continue;
      }
      // A list or map of boxed numbers holds nulls where a value is missing.
      if (component.getGenericType() instanceof ParameterizedType generic) {
        Type[] arguments = generic.getActualTypeArguments();
        Type element = arguments[arguments.length - 1];
        if (BOXED.contains(element)) {
          if (property.getItems() != null && !isNullable(property.getItems())) {
            property.setItems(nullable(property.getItems()));
          }
          if (property.getAdditionalPropertiesSchema() != null
              && !isNullable(property.getAdditionalPropertiesSchema())) {
            property.setAdditionalPropertiesSchema(
                nullable(property.getAdditionalPropertiesSchema()));
          }
        }
      }
      boolean mayBeNull =
          component.isAnnotationPresent(MayBeNull.class) || BOXED.contains(component.getType());
      if (mayBeNull && !isNullable(property)) {
        schema.addProperty(component.getName(), nullable(property));
      }
    }
  }

  /** SmallRye's own form: a type list with "null", or a reference in anyOf beside the null type. */
  private static Schema nullable(Schema property) {
    if (property.getRef() != null) {
      return OASFactory.createSchema()
          .addAnyOf(OASFactory.createSchema().ref(property.getRef()))
          .addAnyOf(OASFactory.createSchema().addType(SchemaType.NULL));
    }
    List<SchemaType> types =
        new ArrayList<>(property.getType() == null ? List.of() : property.getType());
    types.add(SchemaType.NULL);
    return property.type(types);
  }

  static boolean isNullable(Schema property) {
    if (property.getType() != null && property.getType().contains(SchemaType.NULL)) {
      return true;
    }
    if (property.getAnyOf() != null) {
      for (Schema option : property.getAnyOf()) {
        if (option.getType() != null && option.getType().contains(SchemaType.NULL)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The schemas a request body names, and every schema those name in turn. */
  private static Set<String> requestSchemas(OpenAPI openApi, Map<String, Schema> schemas) {
    Deque<Schema> todo = new ArrayDeque<>();
    if (openApi.getPaths() != null) {
      for (PathItem path : openApi.getPaths().getPathItems().values()) {
        for (Operation operation : path.getOperations().values()) {
          if (operation.getRequestBody() != null
              && operation.getRequestBody().getContent() != null) {
            for (MediaType media :
                operation.getRequestBody().getContent().getMediaTypes().values()) {
              if (media.getSchema() != null) {
                todo.add(media.getSchema());
              }
            }
          }
        }
      }
    }
    Set<String> names = new HashSet<>();
    while (!todo.isEmpty()) {
      Schema schema = todo.pop();
      if (schema.getRef() != null) {
        String name = schema.getRef().substring(schema.getRef().lastIndexOf('/') + 1);
        if (names.add(name) && schemas.get(name) != null) {
          todo.add(schemas.get(name));
        }
        continue;
      }
      if (schema.getProperties() != null) {
        todo.addAll(schema.getProperties().values());
      }
      if (schema.getItems() != null) {
        todo.add(schema.getItems());
      }
      if (schema.getAnyOf() != null) {
        todo.addAll(schema.getAnyOf());
      }
      if (schema.getAdditionalPropertiesSchema() != null) {
        todo.add(schema.getAdditionalPropertiesSchema());
      }
    }
    return names;
  }
}
