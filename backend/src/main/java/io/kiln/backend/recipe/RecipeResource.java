package io.kiln.backend.recipe;

import io.kiln.backend.auth.AppUser;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeField;
import io.kiln.core.recipe.RecipeFields;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

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
      String type,
      Object defaultValue,
      String group,
      String label,
      String help,
      List<String> trickIds,
      boolean advanced,
      List<String> choices,
      Double min,
      Double max) {}

  @GET
  @Path("/fields")
  public List<FieldView> fields() {
    return RecipeFields.ALL.stream().map(RecipeResource::view).toList();
  }

  private static FieldView view(RecipeField f) {
    return new FieldView(
        f.name(),
        f.type().name().toLowerCase(),
        Recipe.defaults().toMap().get(f.name()),
        f.group(),
        f.label(),
        f.help(),
        f.trickIds(),
        f.advanced(),
        f.choices(),
        f.min(),
        f.max());
  }
}
