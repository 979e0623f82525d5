package io.kiln.backend.agent;

import io.kiln.backend.run.RunView;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The small replies of the agent endpoints, typed so the OpenAPI document describes them. */
public final class AgentReplies {
  private AgentReplies() {}

  /**
   * A one-time enrollment token, shown once, and when it expires; {@code serverUrl} is the address
   * agents should use ({@code kiln.public-url}), or null when it is not configured.
   */
  public record EnrollmentTokenView(
      String token, Instant expiresAt, @Schema(nullable = true) String serverUrl, int uses) {}

  /**
   * A new enrollment token: for one agent (the default), or for {@code uses} agents that start with
   * the same token (a Kubernetes Deployment of agents), valid for {@code hours} (default: the
   * configured minutes).
   */
  public record TokenRequest(Integer uses, Integer hours) {
    public static final TokenRequest ONE_AGENT = new TokenRequest(null, null);
  }

  /**
   * The new agent's id and its credential ({@code ka_...}, shown once: only its digest is stored).
   */
  public record Enrolled(long agentId, String credential) {}

  /** The agent whose credential was revoked. */
  public record Revoked(long id, boolean revoked) {}

  /** An enrollment token not used yet and not expired (the token itself is never shown again). */
  public record PendingToken(
      long id, Instant createdAt, String createdBy, Instant expiresAt, int usesLeft) {}

  /** One agent in detail: what it is, and its recent attempts at runs (newest first). */
  public record AgentDetail(AgentView agent, int protocolVersion, List<RunView.Attempt> attempts) {}

  /** Body of an enrollment; {@code labels} (e.g. ["gpu=a100"]) may be absent. */
  public record EnrollRequest(String token, String name, List<String> labels) {}

  /** An agent's labels, as an admin sets them. */
  public record Labels(List<String> labels) {}
}
