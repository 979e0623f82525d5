package io.kiln.backend.recipe;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.common.Languages;
import io.kiln.core.i18n.Messages;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeField;
import io.kiln.core.recipe.RecipeFields;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The recipe catalogue: every field with its default, bounds, explanation and trick IDs, for the
 * run form.
 */
@Path("/api/recipe")
@RolesAllowed(AppUser.USER)
@Produces(MediaType.APPLICATION_JSON)
public class RecipeResource {

  /** One recipe field as the UI needs it. */
  public record FieldView(
      String name,
      @Schema(enumeration = {"text", "number", "integer", "boolean", "integer_list"}) String type,
      Object defaultValue,
      String group,
      String label,
      String help,
      List<String> trickIds,
      boolean advanced,
      List<String> choices,
      @Schema(nullable = true) Double min,
      @Schema(nullable = true) Double max) {}

  @GET
  @Path("/fields")
  public List<FieldView> fields(@Context HttpHeaders headers) {
    Messages m = Messages.of(Languages.of(headers));
    return RecipeFields.ALL.stream().map(f -> view(f, m)).toList();
  }

  /** A field with its group, label and explanation in the reader's language. */
  private static FieldView view(RecipeField f, Messages m) {
    return new FieldView(
        f.name(),
        f.type().name().toLowerCase(),
        Recipe.defaults().toMap().get(f.name()),
        m.orElse(Messages.groupKey(f.group()), f.group()),
        m.orElse("field." + f.name() + ".label", f.label()),
        m.orElse("field." + f.name() + ".help", f.help()),
        f.trickIds(),
        f.advanced(),
        f.choices(),
        f.min(),
        f.max());
  }
}
