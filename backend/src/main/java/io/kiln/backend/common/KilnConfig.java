package io.kiln.backend.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Kiln's own settings; each can be set as an environment variable (kiln.data-dir = KILN_DATA_DIR). */
@ConfigMapping(prefix = "kiln")
public interface KilnConfig {
  /** Where the database, datasets and models live. */
  String dataDir();

  /** Password of the first admin account; generated and printed once when absent. */
  Optional<String> adminPassword();

  /** How long a login session lasts. */
  @WithDefault("168")
  int sessionHours();

  Agents agents();

  LocalAgent localAgent();

  /** Lease and heartbeat timing for remote agents. */
  interface Agents {
    @WithDefault("2")
    int heartbeatSeconds();

    /** A run whose agent has not heartbeated for this long is failed (later: requeued). */
    @WithDefault("30")
    int leaseSeconds();

    @WithDefault("60")
    int enrollmentTokenMinutes();
  }

  /** The agent process the backend starts beside itself, so a newcomer can train at once. */
  interface LocalAgent {
    @WithDefault("false")
    boolean enabled();

    /** Path of kiln-agent.jar. */
    Optional<String> jar();

    /**
     * JVM options for the agent. The serial collector runs on the allocating thread, so on a CPU
     * agent no collector threads compete with PyTorch's (measured: about 15% more images/s on 2 cores).
     */
    @WithDefault("-Xmx3g -XX:+UseSerialGC")
    String jvmOptions();
  }
}
