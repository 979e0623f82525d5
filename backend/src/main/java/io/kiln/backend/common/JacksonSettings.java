package io.kiln.backend.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.kiln.core.recipe.FieldError;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Request bodies are typed records; a number with a fraction where a whole number is expected is
 * refused (400 naming the field, see {@link ErrorMappers}) instead of being silently truncated, and
 * so is a number or boolean sent as a string.
 */
@Singleton
class JacksonSettings implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    // A number or a yes/no sent as text ("10", "true") is refused too: a form that sends text
    // where the API documents a number has a bug the person should hear about.
    for (LogicalType type :
        new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    // The server writes a field error's sentence in the reader's language; its message key and
    // arguments stay on this side.
    mapper.addMixIn(FieldError.class, FieldErrorWire.class);
  }
}

@JsonIgnoreProperties({"text"})
abstract class FieldErrorWire {}
