package io.kiln.backend.agent;

import io.kiln.backend.preset.Machines;
import io.kiln.core.protocol.AgentMessage.DeviceInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The fleet's machines as the presets see them: GPU or CPU. */
@ApplicationScoped
class AgentMachines implements Machines {
  /** An agent heard from within this long counts as up (heartbeats come every few seconds). */
  static final Duration UP = Duration.ofMinutes(2);

  private final AgentRegistry registry;

  AgentMachines(AgentRegistry registry) {
    this.registry = registry;
  }

  @Override
  @Transactional
  public boolean gpu(Long agentId) {
    if (agentId != null) {
      Agent agent = Agent.findById(agentId);
      return agent != null && hasGpu(registry.devices(agent));
    }
    Instant since = Instant.now().minus(UP);
    List<Agent> up =
        registry.list().stream()
            .filter(a -> a.revokedAt == null && !a.drained)
            .filter(a -> a.lastSeenAt != null && a.lastSeenAt.isAfter(since))
            .toList();
    return !up.isEmpty() && up.stream().allMatch(a -> hasGpu(registry.devices(a)));
  }

  private static boolean hasGpu(List<DeviceInfo> devices) {
    return devices.stream().anyMatch(d -> "gpu".equalsIgnoreCase(d.kind()));
  }
}
