package io.kiln.backend.agent;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Admins create enrollment tokens, watch agents and revoke them; agents enroll with a token. */
@Path("/api/agents")
public class AgentResource {
  private final AgentRegistry registry;
  private final AgentConnections connections;
  private final SecurityIdentity identity;

  AgentResource(AgentRegistry registry, AgentConnections connections, SecurityIdentity identity) {
    this.registry = registry;
    this.connections = connections;
    this.identity = identity;
  }

  /** Body of an enrollment. */
  public record EnrollRequest(String token, String name) {}

  @POST
  @Path("/enrollment-tokens")
  @RolesAllowed("admin")
  public Response createToken() {
    return Response.status(201).entity(registry.createEnrollmentToken(identity.getPrincipal().getName())).build();
  }

  /** Public: the enrollment token itself is the authorization. */
  @POST
  @Path("/enroll")
  @PermitAll
  public Response enroll(EnrollRequest request) {
    EnrollRequest body = request == null ? new EnrollRequest(null, null) : request;
    return Response.status(201).entity(registry.enroll(body.token(), body.name())).build();
  }

  @GET
  @RolesAllowed("admin")
  public List<AgentView> list() {
    return registry.list().stream().map(a -> new AgentView(a.id, a.name, a.hostname, a.agentVersion,
        registry.devices(a), a.createdAt, a.lastSeenAt, connections.connected(a.id), a.revokedAt != null,
        connections.currentRun(a.id))).toList();
  }

  /** Revokes the credential, drops the connection and fails the runs the agent held. */
  @POST
  @Path("/{id}/revoke")
  @RolesAllowed("admin")
  public Map<String, Object> revoke(@PathParam("id") long id) {
    registry.revokeEverywhere(id);
    return Map.of("id", id, "revoked", true);
  }
}
