package io.kiln.backend.agent;

import io.kiln.core.protocol.AgentMessage.DeviceInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** An agent as admins see it: identity, devices, health. */
public record AgentView(
    long id,
    String name,
    String hostname,
    String agentVersion,
    List<DeviceInfo> devices,
    Instant createdAt,
    Instant lastSeenAt,
    boolean connected,
    boolean revoked,
    Long currentRunId,
    boolean drained,
    Map<String, String> versions,
    List<String> labels) {}
