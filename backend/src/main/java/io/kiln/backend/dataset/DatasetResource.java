package io.kiln.backend.dataset;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.ShownText;
import io.kiln.backend.dataset.archive.ArchiveRefused;
import io.kiln.backend.dataset.archive.SplitOptions;
import io.kiln.core.text.HiddenCharacters;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * Upload, version and inspect datasets. The multipart body is streamed to a temporary file, never
 * held in memory.
 */
@Path("/api/datasets")
@RolesAllowed(AppUser.USER)
public class DatasetResource {
  private final DatasetService datasets;
  private final DatasetImages images;
  private final SampleDatasets samples;
  private final Callers callers;

  DatasetResource(
      DatasetService datasets, DatasetImages images, SampleDatasets samples, Callers callers) {
    this.datasets = datasets;
    this.images = images;
    this.samples = samples;
    this.callers = callers;
  }

  /**
   * A .zip or .tar.gz of class folders (or train/val/test folders of class folders). Optional
   * fields: name, versionOf (a dataset id: store as its next version), split (auto or archive),
   * valPercent, testPercent, seed.
   */
  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  @APIResponse(
      responseCode = "201",
      description = "the validated dataset version",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = DatasetView.class)))
  @ResponseStatus(201)
  public DatasetView upload(
      @RestForm("file") FileUpload file,
      @RestForm("name") String name,
      @RestForm("versionOf") Long versionOf,
      @RestForm("split") String split,
      @RestForm("valPercent") Integer val,
      @RestForm("testPercent") Integer test,
      @RestForm("seed") Long seed) {
    if (file == null || file.uploadedFile() == null) {
      throw ApiException.badRequest(
          "attach the dataset as a .zip or .tar.gz file in the multipart field 'file'");
    }
    String datasetName =
        name != null && !name.isBlank()
            ? ShownText.name("name", name.trim())
            : versionOf != null ? null : HiddenCharacters.removed(baseName(file.fileName()));
    if (datasetName != null && datasetName.length() > 200) {
      throw ApiException.badRequest("the dataset name is longer than 200 characters");
    }
    SplitOptions options =
        splitOptions(
            () ->
                new SplitOptions(
                    split == null || split.isBlank() ? null : split,
                    val == null ? 10 : val,
                    test == null ? 10 : test,
                    seed == null ? 42 : seed));
    return datasets.create(
        new DatasetService.Target(datasetName, versionOf),
        file.uploadedFile(),
        options,
        callers.current());
  }

  @GET
  public List<DatasetView> list() {
    return datasets.list(callers.current());
  }

  @GET
  @Path("/{id}")
  public DatasetView get(@PathParam("id") long id) {
    return datasets.get(id, callers.current());
  }

  /**
   * A new version with the same images split anew: {"valPercent": 10, "testPercent": 10, "seed":
   * 42}.
   */
  @POST
  @Path("/{id}/versions")
  @Consumes(MediaType.APPLICATION_JSON)
  @APIResponse(
      responseCode = "201",
      description = "the new version",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = DatasetView.class)))
  @ResponseStatus(201)
  public DatasetView resplit(@PathParam("id") long id, ResplitRequest body) {
    ResplitRequest request = body == null ? new ResplitRequest(null, null, null) : body;
    SplitOptions options =
        splitOptions(
            () ->
                new SplitOptions(
                    "auto",
                    orElse(request.valPercent(), 10),
                    orElse(request.testPercent(), 10),
                    request.seed() == null ? 42 : request.seed()));
    return datasets.resplit(id, options, callers.current());
  }

  /** How to split the same images anew (T16); percentages of each class, and the shuffle's seed. */
  public record ResplitRequest(Integer valPercent, Integer testPercent, Long seed) {}

  @GET
  @Path("/sample")
  public SampleDatasets.Availability sample() {
    return samples.availability();
  }

  /**
   * Imports Fashion-MNIST from the Debian package: {"size": "small"} (2,500 images) or "full"
   * (70,000).
   */
  @POST
  @Path("/sample")
  @Consumes(MediaType.APPLICATION_JSON)
  @APIResponse(
      responseCode = "201",
      description = "the imported sample",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = DatasetView.class)))
  @ResponseStatus(201)
  public DatasetView importSample(SampleDatasets.SampleRequest body) {
    return samples.importSample(body == null ? null : body.size(), callers.current());
  }

  /**
   * One image of the dataset by its name in the archive ({@code split/class/file.png}), e.g. a
   * misclassified one.
   */
  @GET
  @Path("/{id}/images")
  @APIResponse(
      responseCode = "200",
      description = "the image file as stored",
      content = @Content(mediaType = "image/*"))
  public Response image(@PathParam("id") long id, @QueryParam("path") String path) {
    datasets.visible(id, callers.current());
    return serve(images.original(id, required(path)));
  }

  /** The gallery thumbnail of an image (PNG, at most 96 pixels a side). */
  @GET
  @Path("/{id}/thumbnails")
  @APIResponse(
      responseCode = "200",
      description = "a PNG thumbnail",
      content = @Content(mediaType = "image/png"))
  public Response thumbnail(@PathParam("id") long id, @QueryParam("path") String path) {
    datasets.visible(id, callers.current());
    return serve(images.thumbnail(id, required(path)));
  }

  private static Response serve(DatasetImages.Image image) {
    return Response.ok(image.bytes(), image.contentType())
        .header("Cache-Control", "private, max-age=86400")
        .build();
  }

  private static String required(String path) {
    if (path == null || path.isBlank()) {
      throw ApiException.badRequest("name the image with ?path=split/class/file");
    }
    return path;
  }

  private static SplitOptions splitOptions(Supplier<SplitOptions> options) {
    try {
      return options.get();
    } catch (ArchiveRefused e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static int orElse(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static String baseName(String fileName) {
    if (fileName == null || fileName.isBlank()) {
      return "dataset";
    }
    String base = fileName.replaceAll(".*[/\\\\]", "");
    String lower = base.toLowerCase();
    for (String suffix : List.of(".tar.gz", ".tgz", ".zip")) {
      if (lower.endsWith(suffix)) {
        return base.substring(0, base.length() - suffix.length());
      }
    }
    return base;
  }
}
