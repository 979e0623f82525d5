package io.kiln.backend.common;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.recipe.FieldError;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Request bodies are typed records; a number with a fraction where a whole number is expected is
 * refused (400 naming the field, see {@link ErrorMappers}) instead of being silently truncated.
 */
@Singleton
class JacksonSettings implements ObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    // The server writes a field error's sentence in the reader's language; its message key and
    // arguments stay on this side.
    mapper.addMixIn(FieldError.class, FieldErrorWire.class);
  }
}

@JsonIgnoreProperties({"text"})
abstract class FieldErrorWire {}
