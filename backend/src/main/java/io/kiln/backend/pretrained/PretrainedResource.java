package io.kiln.backend.pretrained;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Pretrained starting points (T13): everyone lists those they may start from; admins fetch the
 * catalogue's files from their source, ask the source again, and import weights files.
 */
@Path("/api/pretrained")
@RolesAllowed(AppUser.USER)
public class PretrainedResource {
  private final PretrainedService pretrained;
  private final Callers callers;

  PretrainedResource(PretrainedService pretrained, Callers callers) {
    this.pretrained = pretrained;
    this.callers = callers;
  }

  /** The catalogue with each entry's status, and the imported weights the caller may use. */
  @GET
  public List<PretrainedView> list() {
    return pretrained.list(callers.current());
  }

  /**
   * Imports a weights file (a PyTorch state dict, as torch.save writes it): a catalogue entry's
   * published file becomes that entry; a state dict of a catalogue network becomes a starting point
   * under {@code name}, for the team {@code teamId} (absent: every team).
   */
  @POST
  @RolesAllowed(AppUser.ADMIN)
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @ResponseStatus(201)
  @APIResponse(
      responseCode = "201",
      description = "the stored weights",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = PretrainedView.class)))
  public PretrainedView importWeights(
      @RestForm("file") FileUpload file,
      @RestForm("name") String name,
      @RestForm("teamId") Long teamId) {
    if (file == null || file.uploadedFile() == null) {
      throw ApiException.field(
          400,
          "file: attach the weights file (.pth, saved with torch.save) in the multipart field"
              + " 'file'",
          "file",
          "is required");
    }
    return pretrained.importFile(file.uploadedFile(), name, teamId, callers.current());
  }

  /** Fetches a catalogue entry's file from its source now; 409 says why it cannot. */
  @POST
  @Path("/{id}/fetch")
  @RolesAllowed(AppUser.ADMIN)
  public PretrainedView fetch(@PathParam("id") String id) {
    return pretrained.fetch(id, callers.current());
  }

  /** Asks the source again which catalogue files it has (after fixing the network or mirror). */
  @POST
  @Path("/check")
  @RolesAllowed(AppUser.ADMIN)
  public List<PretrainedView> check() {
    pretrained.probe();
    return pretrained.list(callers.current());
  }
}
