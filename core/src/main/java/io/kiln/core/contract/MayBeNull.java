package io.kiln.core.contract;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A record component that the JSON API may write as null. The backend's OpenAPI document reads it
 * (with boxed numbers, which are null where a value is missing) so the browser's generated types
 * say so; every other component of a view is always present and never null.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({
  ElementType.RECORD_COMPONENT,
  ElementType.FIELD,
  ElementType.METHOD,
  ElementType.PARAMETER
})
public @interface MayBeNull {}
