package io.kiln.backend.predict;

import io.kiln.backend.auth.ApiKeys;
import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.QueryNumbers;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Predictions with a succeeded run's model: one or many images (or a .zip) as form field {@code
 * file}, answered per file. A person's session or an API key of the run's team may ask.
 */
@Path("/api/runs/{id}/predict")
public class PredictResource {
  private final PredictionService predictions;
  private final PredictionLogs logs;
  private final Callers callers;
  private final SecurityIdentity identity;

  PredictResource(
      PredictionService predictions,
      PredictionLogs logs,
      Callers callers,
      SecurityIdentity identity) {
    this.predictions = predictions;
    this.logs = logs;
    this.callers = callers;
    this.identity = identity;
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @RolesAllowed({AppUser.USER, ApiKeys.ROLE})
  public PredictionService.PredictionResult predict(
      @PathParam("id") long id,
      @RestForm("file") List<FileUpload> files,
      @QueryParam("top") String top) {
    return predictions.predict(id, uploads(files), QueryNumbers.integer(top, "top", 5), asker());
  }

  /**
   * Why the model answers what it does on one image: the occlusion map of its predicted class (how
   * much the class's probability drops when each part of the image is hidden).
   */
  @POST
  @Path("/why")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @RolesAllowed({AppUser.USER, ApiKeys.ROLE})
  public PredictionService.WhyMap why(
      @PathParam("id") long id, @RestForm("file") List<FileUpload> files) {
    return predictions.explain(id, uploads(files), asker());
  }

  /** Who asks: an API key, else the person of the session. */
  private PredictionService.Asker asker() {
    var key = ApiKeys.holder(identity).orElse(null);
    return new PredictionService.Asker(key == null ? callers.current() : null, key);
  }

  private static List<Uploads.Upload> uploads(List<FileUpload> files) {
    return files == null
        ? List.of()
        : files.stream()
            .map(f -> new Uploads.Upload(f.fileName(), f.uploadedFile(), f.size()))
            .toList();
  }

  /** The run's prediction requests: totals and the most recent ones (for the run page's chart). */
  @GET
  @Path("/log")
  @RolesAllowed(AppUser.USER)
  public PredictionLogs.PredictionLogView log(@PathParam("id") long id) {
    return logs.of(id, callers.current());
  }
}
