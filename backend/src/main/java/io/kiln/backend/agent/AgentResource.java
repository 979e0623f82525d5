package io.kiln.backend.agent;

import io.kiln.backend.common.ApiException;
import io.kiln.backend.run.RunService;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.run.Placement;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Admins create enrollment tokens, watch agents and revoke them; agents enroll with a token. */
@Path("/api/agents")
public class AgentResource {
  private final AgentRegistry registry;
  private final AgentConnections connections;
  private final SecurityIdentity identity;
  private final RunService runs;
  private final com.fasterxml.jackson.databind.ObjectMapper mapper;

  AgentResource(
      AgentRegistry registry,
      AgentConnections connections,
      SecurityIdentity identity,
      RunService runs,
      com.fasterxml.jackson.databind.ObjectMapper mapper) {
    this.mapper = mapper;
    this.registry = registry;
    this.connections = connections;
    this.identity = identity;
    this.runs = runs;
  }

  @POST
  @Path("/enrollment-tokens")
  @RolesAllowed("admin")
  @APIResponse(
      responseCode = "201",
      description = "the token, shown once",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = AgentReplies.EnrollmentTokenView.class)))
  @ResponseStatus(201)
  @Consumes(MediaType.WILDCARD)
  @RequestBody(
      required = false,
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = AgentReplies.TokenRequest.class)))
  public AgentReplies.EnrollmentTokenView createToken(String body) {
    AgentReplies.TokenRequest request = AgentReplies.TokenRequest.ONE_AGENT;
    if (body != null && !body.isBlank()) {
      try {
        request = mapper.readValue(body, AgentReplies.TokenRequest.class);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw ApiException.badRequest(
            "send nothing (a token for one agent) or {\"uses\": 5, \"hours\": 72}: "
                + e.getOriginalMessage());
      }
    }
    return registry.createEnrollmentToken(identity.getPrincipal().getName(), request);
  }

  /** Public: the enrollment token itself is the authorization. */
  @POST
  @Path("/enroll")
  @PermitAll
  @SecurityRequirements
  @APIResponse(
      responseCode = "201",
      description = "the new agent and its credential, shown once",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = AgentReplies.Enrolled.class)))
  @ResponseStatus(201)
  public AgentReplies.Enrolled enroll(AgentReplies.EnrollRequest request) {
    AgentReplies.EnrollRequest body =
        request == null ? new AgentReplies.EnrollRequest(null, null, null) : request;
    return registry.enroll(body.token(), body.name(), body.labels());
  }

  /** Enrollment tokens not used yet and not expired. */
  @GET
  @Path("/enrollment-tokens")
  @RolesAllowed("admin")
  public List<AgentReplies.PendingToken> pendingTokens() {
    return registry.pendingTokens();
  }

  /**
   * Withdraws an unused enrollment token ({@code ?id=}; a query parameter, since a path under
   * /api/agents/{id}/ would be ambiguous).
   */
  @DELETE
  @Path("/enrollment-tokens")
  @RolesAllowed("admin")
  @APIResponse(responseCode = "204", description = "the token can no longer be used")
  public void revokeToken(@QueryParam("id") Long id) {
    if (id == null) {
      throw ApiException.badRequest("?id= is required: the id of the token to withdraw");
    }
    registry.revokeToken(id, identity.getPrincipal().getName());
  }

  @GET
  @RolesAllowed("admin")
  public List<AgentView> list() {
    return registry.list().stream().map(this::view).toList();
  }

  /** One agent: devices, versions, health, current run, and its last 20 attempts at runs. */
  @GET
  @Path("/{id}")
  @RolesAllowed("admin")
  public AgentReplies.AgentDetail get(@PathParam("id") long id) {
    return new AgentReplies.AgentDetail(
        view(registry.find(id)), Protocol.VERSION, runs.attemptsOfAgent(id, 20));
  }

  private AgentView view(Agent a) {
    return new AgentView(
        a.id,
        a.name,
        a.hostname,
        a.agentVersion,
        registry.devices(a),
        a.createdAt,
        a.lastSeenAt,
        connections.connected(a.id),
        a.revokedAt != null,
        connections.currentRun(a.id),
        a.drained,
        registry.versions(a),
        Placement.split(a.labels));
  }

  /**
   * Sets the agent's labels (replacing them); runs that require labels go only to agents with them.
   */
  @PUT
  @Path("/{id}/labels")
  @RolesAllowed("admin")
  public AgentView labels(@PathParam("id") long id, AgentReplies.Labels body) {
    registry.label(id, body == null ? null : body.labels(), identity.getPrincipal().getName());
    return view(registry.find(id));
  }

  /**
   * The agent finishes its current run and takes no new one ({@code ?now=true}: its run stops at
   * once and goes back to the queue, to resume elsewhere from its last checkpoint).
   */
  @POST
  @Path("/{id}/drain")
  @RolesAllowed("admin")
  public List<AgentView> drain(@PathParam("id") long id, @QueryParam("now") boolean now) {
    registry.drain(id, true, now, identity.getPrincipal().getName());
    return list();
  }

  @POST
  @Path("/{id}/undrain")
  @RolesAllowed("admin")
  public List<AgentView> undrain(@PathParam("id") long id) {
    registry.drain(id, false, false, identity.getPrincipal().getName());
    return list();
  }

  /** Revokes the credential, drops the connection and requeues the runs the agent held. */
  @POST
  @Path("/{id}/revoke")
  @RolesAllowed("admin")
  public AgentReplies.Revoked revoke(@PathParam("id") long id) {
    registry.revokeEverywhere(id, identity.getPrincipal().getName());
    return new AgentReplies.Revoked(id, true);
  }
}
