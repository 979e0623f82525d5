package io.kiln.backend.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An agent as admins see it: identity, devices, health. */
public record AgentView(long id, String name, String hostname, String agentVersion, List<Map<String, Object>> devices,
    Instant createdAt, Instant lastSeenAt, boolean connected, boolean revoked, Long currentRunId) {}
