package io.kiln.backend.dataset;

import io.kiln.backend.common.ApiException;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** Upload and list datasets. The multipart body is streamed to a temporary file, never held in memory. */
@Path("/api/datasets")
@Authenticated
public class DatasetResource {
  private final DatasetService datasets;
  private final SecurityIdentity identity;

  DatasetResource(DatasetService datasets, SecurityIdentity identity) {
    this.datasets = datasets;
    this.identity = identity;
  }

  @POST
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public Response upload(@RestForm("file") FileUpload file, @RestForm("name") String name) {
    if (file == null || file.uploadedFile() == null) {
      throw ApiException.badRequest("attach the dataset as a .zip file in the multipart field 'file'");
    }
    String datasetName = name != null && !name.isBlank() ? name.trim() : baseName(file.fileName());
    if (datasetName.length() > 200) {
      throw ApiException.badRequest("the dataset name is longer than 200 characters");
    }
    DatasetView view = datasets.create(datasetName, file.uploadedFile(), identity.getPrincipal().getName());
    return Response.status(201).entity(view).build();
  }

  @GET
  public List<DatasetView> list() {
    return datasets.list();
  }

  @GET
  @Path("/{id}")
  public DatasetView get(@PathParam("id") long id) {
    return datasets.get(id);
  }

  /** One image of the dataset by its name in the archive ({@code class/file.png}), e.g. a misclassified one. */
  @GET
  @Path("/{id}/images")
  public Response image(@PathParam("id") long id, @QueryParam("path") String path) {
    if (path == null || path.isBlank()) {
      throw ApiException.badRequest("name the image with ?path=class/file");
    }
    DatasetService.Image image = datasets.image(id, path);
    return Response.ok(image.bytes(), image.contentType()).header("Cache-Control", "private, max-age=86400").build();
  }

  private static String baseName(String fileName) {
    if (fileName == null || fileName.isBlank()) {
      return "dataset";
    }
    String base = fileName.replaceAll(".*[/\\\\]", "");
    return base.toLowerCase().endsWith(".zip") ? base.substring(0, base.length() - 4) : base;
  }
}
