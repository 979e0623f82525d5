package io.kiln.backend.agent;

import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.KilnConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts one agent process beside the backend (kiln.local-agent.enabled) so a newcomer can train
 * without setting up anything, and stops it when the backend stops. The agent enrolls with a fresh
 * token the first time and keeps its credential in the data directory afterwards.
 */
@Singleton
public class LocalAgentLauncher {
  private static final Logger LOG = Logger.getLogger(LocalAgentLauncher.class);
  private static final String ONEDNN_ISA = "ONEDNN_MAX_CPU_ISA";

  /**
   * glibc's allocator settings for the agent: libtorch frees and allocates the same activation
   * buffers every step, and with glibc's adaptive thresholds the large ones go back to the kernel
   * and are faulted in again page by page. Fixed thresholds keep them in the heap. Measured with
   * bench/train-throughput: about half the page faults and a third of the system time, no change in
   * peak RSS (see deploy/README.md).
   */
  static final String MALLOC_TUNABLES =
      "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456"
          + ":glibc.malloc.hugetlb=1";

  private final KilnConfig config;
  private final DataDirectory dirs;
  private final AgentRegistry registry;
  private final int port;
  private List<String> command;
  private Path workDir;
  private volatile boolean stopping;
  private Process process;

  LocalAgentLauncher(
      KilnConfig config,
      DataDirectory dirs,
      AgentRegistry registry,
      @ConfigProperty(name = "quarkus.http.port") int port) {
    this.config = config;
    this.dirs = dirs;
    this.registry = registry;
    this.port = port;
  }

  void onStart(@Observes StartupEvent event) throws IOException {
    if (!config.localAgent().enabled()) {
      return;
    }
    Path jar =
        config.localAgent().jar().map(Path::of).orElse(Path.of("gpu-agent/target/kiln-agent.jar"));
    if (!Files.isRegularFile(jar)) {
      LOG.errorf(
          "local agent not started: %s does not exist (build it with mvn package)",
          jar.toAbsolutePath());
      return;
    }
    Path workDir = DataDirectory.privateFolder(dirs.root().resolve("local-agent"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    Arrays.stream(config.localAgent().jvmOptions().trim().split("\\s+"))
        .filter(o -> !o.isEmpty())
        .forEach(command::add);
    command.addAll(
        List.of(
            "-Dai.djl.offline=true",
            "-jar",
            jar.toAbsolutePath().toString(),
            "--server",
            "http://127.0.0.1:" + port,
            "--name",
            "local",
            "--work-dir",
            workDir.toString(),
            "--exit-with-parent"));
    this.command = command;
    this.workDir = workDir;
    launch();
  }

  /**
   * Starts the agent, and starts it again if it dies while the backend runs (at most every 5 s).
   */
  private synchronized void launch() {
    if (stopping) {
      return;
    }
    try {
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      builder.environment().put("OPT_OUT_TRACKING", "true");
      builder.environment().merge("GLIBC_TUNABLES", MALLOC_TUNABLES, LocalAgentLauncher::tunables);
      if (cpuCachesHidden() && System.getenv(ONEDNN_ISA) == null) {
        // oneDNN (inside libtorch) divides by the L2 size when it plans AVX2/AVX-512 kernels for
        // the backward pass of 1x1 convolutions (MobileNet, ResNet); where the machine hides its
        // caches (sandboxes, some VMs) that is 0 and the agent dies of SIGFPE. Plain AVX kernels do
        // not ask, at a price: the small CNN trains about 44% slower (800 vs 1,422 images/s here).
        builder.environment().put(ONEDNN_ISA, "AVX");
        LOG.info(
            "this machine does not show its CPU caches: the local agent runs oneDNN with AVX"
                + " kernels (MobileNet and ResNet would crash; set ONEDNN_MAX_CPU_ISA=ALL for full"
                + " speed if you train only the small CNN)");
      }
      if (!Files.exists(workDir.resolve("credential"))) {
        builder
            .environment()
            .put(
                "KILN_ENROLLMENT_TOKEN",
                registry
                    .createEnrollmentToken(
                        "local-agent-launcher", AgentReplies.TokenRequest.ONE_AGENT)
                    .token());
      }
      process = builder.start();
      LOG.infof("started the local agent (pid %d)", process.pid());
      process
          .onExit()
          .thenRun(
              () -> {
                if (!stopping) {
                  LOG.errorf(
                      "the local agent exited with code %d; restarting it in 5 s",
                      process.exitValue());
                  CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS).execute(this::launch);
                }
              });
    } catch (IOException | RuntimeException e) {
      LOG.errorf(e, "could not start the local agent");
    }
  }

  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    synchronized (this) {
      stopping = true;
    }
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      LOG.info("stopped the local agent");
    }
  }

  /** The person's own tunables win; ours are added for the settings they leave alone. */
  static String tunables(String own, String ours) {
    StringBuilder merged = new StringBuilder(own);
    for (String setting : ours.split(":")) {
      String name = setting.substring(0, setting.indexOf('=') + 1);
      if (!(":" + own).contains(":" + name)) {
        merged.append(merged.isEmpty() ? "" : ":").append(setting);
      }
    }
    return merged.toString();
  }

  /**
   * True where the kernel shows no CPU cache sizes (then oneDNN's blocking heuristics divide by
   * zero).
   */
  static boolean cpuCachesHidden() {
    return !Files.isDirectory(Path.of("/sys/devices/system/cpu/cpu0/cache"));
  }
}
