package io.kiln.backend.agent;

import io.kiln.backend.common.ApiException;
import io.kiln.core.i18n.Text;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The agent to download from the Agents page: whether there is one, and the zip itself. */
@Path("/api/agents/distribution")
@RolesAllowed("admin")
public class AgentDistributionResource {
  private final AgentDistribution distribution;

  AgentDistributionResource(AgentDistribution distribution) {
    this.distribution = distribution;
  }

  @GET
  @Path("/about")
  @Produces(MediaType.APPLICATION_JSON)
  public AgentDistribution.AgentDownload about() {
    return distribution.about();
  }

  @GET
  @Produces("application/zip")
  @APIResponse(
      responseCode = "200",
      description = "kiln-agent.zip: kiln-agent/kiln-agent.jar and kiln-agent/lib/",
      content = @Content(mediaType = "application/zip"))
  public Response download() {
    List<java.nio.file.Path> files = distribution.files();
    if (!AgentDistribution.about(files).available()) {
      throw new ApiException(404, Text.of("error.agentDistributionMissing"));
    }
    StreamingOutput body = out -> distribution.write(files, out);
    return Response.ok(body, "application/zip")
        .header("Content-Disposition", "attachment; filename=\"kiln-agent.zip\"")
        .build();
  }
}
