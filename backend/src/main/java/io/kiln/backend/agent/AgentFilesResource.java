package io.kiln.backend.agent;

import io.kiln.backend.auth.TokenIdentityProvider;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.run.RunCheckpoints;
import io.kiln.backend.run.RunFiles;
import io.kiln.backend.storage.StoredFiles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * Bulk data between backend and agent over HTTP: dataset down, model and checkpoints up, the last
 * checkpoint down to resume; only for the run the agent holds.
 */
@Path("/api/agent/runs/{id}")
@RolesAllowed(TokenIdentityProvider.AGENT_ROLE)
public class AgentFilesResource {
  /** The header an agent sends when it follows a download to the object store itself. */
  public static final String REDIRECT = "X-Kiln-Redirect";

  /** The header that carries a download's SHA-256 (hex). */
  public static final String SHA256 = "X-Kiln-Sha256";

  private final RunFiles files;
  private final RunCheckpoints checkpoints;
  private final SecurityIdentity identity;

  private final StoredFiles stored;

  AgentFilesResource(
      RunFiles files, RunCheckpoints checkpoints, SecurityIdentity identity, StoredFiles stored) {
    this.stored = stored;
    this.files = files;
    this.checkpoints = checkpoints;
    this.identity = identity;
  }

  @GET
  @Path("/dataset")
  @Produces("application/zip")
  public Response dataset(@PathParam("id") long runId, @HeaderParam(REDIRECT) String redirect) {
    RunFiles.Stored dataset = files.dataset(agentId(), runId);
    Response response = stored(dataset.key(), redirect);
    return dataset.sha256() == null
        ? response
        : Response.fromResponse(response).header(SHA256, dataset.sha256()).build();
  }

  @GET
  @Path("/initial-weights")
  @Produces("application/zip")
  public Response initialWeights(
      @PathParam("id") long runId, @HeaderParam(REDIRECT) String redirect) {
    RunFiles.Stored weights = files.initialWeights(agentId(), runId);
    Response response = stored(weights.key(), redirect);
    return weights.sha256() == null
        ? response
        : Response.fromResponse(response).header(SHA256, weights.sha256()).build();
  }

  /** A stored file: from the object store directly when the agent follows (307), else from here. */
  private Response stored(String key, String redirect) {
    if ("accepted".equals(redirect)) {
      java.util.Optional<java.net.URI> url = stored.downloadUrl(key);
      if (url.isPresent()) {
        return Response.temporaryRedirect(url.get()).build();
      }
    }
    return Response.ok(stored.local(key).toFile(), "application/zip").build();
  }

  @PUT
  @APIResponse(responseCode = "204", description = "the model is stored")
  @Path("/model")
  @Consumes(MediaType.APPLICATION_OCTET_STREAM)
  public Response model(@PathParam("id") long runId, InputStream body) {
    files.storeModel(agentId(), runId, body);
    return Response.noContent().build();
  }

  /** The checkpoint taken after {@code epoch} (a zip of the agent's checkpoint folder). */
  @PUT
  @APIResponse(responseCode = "204", description = "the checkpoint is stored")
  @Path("/checkpoint")
  @Consumes(MediaType.APPLICATION_OCTET_STREAM)
  public Response putCheckpoint(
      @PathParam("id") long runId, @QueryParam("epoch") Integer epoch, InputStream body) {
    if (epoch == null) {
      throw ApiException.badRequest(
          "?epoch= is required: the epoch the checkpoint was taken after");
    }
    checkpoints.store(agentId(), runId, epoch, body);
    return Response.noContent().build();
  }

  /**
   * The run's last checkpoint, for the attempt that resumes it, with its SHA-256 in {@value
   * #SHA256}. An agent that sends {@value #REDIRECT}: {@code accepted} is sent, where the store has
   * them, to an address of the object store (307) to download it from without the backend.
   */
  @GET
  @Path("/checkpoint")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  @APIResponse(
      responseCode = "200",
      description = "the checkpoint",
      content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM))
  @APIResponse(responseCode = "307", description = "download it from this object-store address")
  public Response checkpoint(@PathParam("id") long runId, @HeaderParam(REDIRECT) String redirect) {
    RunCheckpoints.Download download = checkpoints.open(agentId(), runId);
    Response.ResponseBuilder response =
        "accepted".equals(redirect) && download.url().isPresent()
            ? Response.temporaryRedirect(download.url().get())
            : Response.ok(download.open().get(), MediaType.APPLICATION_OCTET_STREAM);
    return (download.sha256() == null ? response : response.header(SHA256, download.sha256()))
        .build();
  }

  private long agentId() {
    return TokenIdentityProvider.agentId(identity);
  }
}
