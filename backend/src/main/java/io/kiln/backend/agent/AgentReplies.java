package io.kiln.backend.agent;

import java.time.Instant;

/** The small replies of the agent endpoints, typed so the OpenAPI document describes them. */
public final class AgentReplies {
  private AgentReplies() {}

  /**
   * A one-time enrollment token, shown once, and when it expires; {@code serverUrl} is the address
   * agents should use ({@code kiln.public-url}), or null when it is not configured.
   */
  public record EnrollmentTokenView(String token, Instant expiresAt, String serverUrl) {}

  /**
   * The new agent's id and its credential ({@code ka_...}, shown once: only its digest is stored).
   */
  public record Enrolled(long agentId, String credential) {}

  /** The agent whose credential was revoked. */
  public record Revoked(long id, boolean revoked) {}

  /** Body of an enrollment. */
  public record EnrollRequest(String token, String name) {}
}
