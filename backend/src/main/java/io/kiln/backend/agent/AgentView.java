package io.kiln.backend.agent;

import io.kiln.core.protocol.AgentMessage.DeviceInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An agent as admins see it: identity, devices, health. */
public record AgentView(
    long id,
    String name,
    @Schema(nullable = true) String hostname,
    @Schema(nullable = true) String agentVersion,
    List<DeviceInfo> devices,
    Instant createdAt,
    @Schema(nullable = true) Instant lastSeenAt,
    boolean connected,
    boolean revoked,
    @Schema(nullable = true) Long currentRunId,
    boolean drained,
    Map<String, String> versions,
    List<String> labels) {}
