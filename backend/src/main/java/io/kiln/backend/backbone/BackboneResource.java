package io.kiln.backend.backbone;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.ShownText;
import io.kiln.core.text.HiddenCharacters;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Pretrained TorchScript backbones to fine-tune from (T13). */
@Path("/api/backbones")
@RolesAllowed(AppUser.USER)
public class BackboneResource {
  private final BackboneService backbones;
  private final Callers callers;

  BackboneResource(BackboneService backbones, Callers callers) {
    this.backbones = backbones;
    this.callers = callers;
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @APIResponse(
      responseCode = "201",
      description = "the stored backbone",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = BackboneView.class)))
  @ResponseStatus(201)
  public BackboneView upload(@RestForm("file") FileUpload file, @RestForm("name") String name) {
    if (file == null || file.uploadedFile() == null) {
      throw ApiException.badRequest(
          "attach the TorchScript file (.pt) in the multipart field 'file'");
    }
    String label =
        name != null && !name.isBlank()
            ? ShownText.name("name", name.trim())
            : file.fileName() == null
                ? "backbone"
                : HiddenCharacters.removed(file.fileName().replaceAll(".*[/\\\\]", ""));
    if (label.length() > 200) {
      throw ApiException.badRequest("the backbone name is longer than 200 characters");
    }
    return backbones.create(label, file.uploadedFile(), callers.current());
  }

  @GET
  public List<BackboneView> list() {
    return backbones.list(callers.current());
  }
}
