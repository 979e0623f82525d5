package io.kiln.backend.auth;

import java.util.Optional;

/**
 * Resolves an agent's {@code ka_} credential to its agent id. Implemented by the agent feature,
 * which owns agents; an interface here so that authentication does not depend on it.
 */
public interface AgentCredentials {
  /** The agent of an unrevoked credential. */
  Optional<Long> agentIdForCredential(String credential);
}
