package io.kiln.backend.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON columns in and out, with the one error policy every feature shares: what Kiln wrote and
 * cannot read back is a corrupt row (an {@link IllegalStateException} naming it), never a 400.
 */
@ApplicationScoped
public class Json {
  public static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private final ObjectMapper mapper;

  Json(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  public String write(Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not serializable as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Reads a stored column (null stays null); {@code what} names it in the error ("recipe of run
   * 3").
   */
  public <T> T read(String text, TypeReference<T> type, String what) {
    return read(text, mapper.getTypeFactory().constructType(type), what);
  }

  public <T> T read(String text, Class<T> type, String what) {
    return read(text, mapper.getTypeFactory().constructType(type), what);
  }

  private <T> T read(String text, JavaType type, String what) {
    if (text == null) {
      return null;
    }
    try {
      return mapper.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt " + what + ": " + e.getOriginalMessage(), e);
    }
  }

  /** A stored JSON object as a map, or null for a null column. */
  public Map<String, Object> readMap(String text, String what) {
    return read(text, MAP, what);
  }

  public ObjectMapper mapper() {
    return mapper;
  }
}
