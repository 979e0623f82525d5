package io.kiln.backend.openapi;

import io.kiln.core.metric.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;

/**
 * Adds core's metric contract ({@link Metric}) to the document as {@code MetricName}: the names a
 * point's values may carry, and in the extension {@code x-kiln-metrics} each one's scope (step,
 * epoch or both), unit, which way is better and label. The browser takes its metric names and their
 * scopes from here instead of keeping a copy.
 */
final class MetricSchemas {
  static final String EXTENSION = "x-kiln-metrics";

  private MetricSchemas() {}

  static void add(OpenAPI openApi) {
    if (openApi.getComponents() == null) {
      return;
    }
    List<Object> names = new ArrayList<>();
    Map<String, Object> facts = new LinkedHashMap<>();
    for (Metric m : Metric.values()) {
      names.add(m.key());
      facts.put(
          m.key(),
          Map.of(
              "scope", lower(m.scope()),
              "unit", lower(m.unit()),
              "better", lower(m.better()),
              "label", m.label()));
    }
    Schema schema =
        OASFactory.createSchema()
            .addType(SchemaType.STRING)
            .description(
                "A value a metric point may carry (agents may send others, which Kiln stores but"
                    + " does not chart).")
            .enumeration(names)
            .addExtension(EXTENSION, facts);
    openApi.getComponents().addSchema("MetricName", schema);
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
