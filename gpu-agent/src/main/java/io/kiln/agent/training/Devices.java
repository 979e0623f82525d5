package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.kiln.core.protocol.AgentMessage.DeviceInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what the engine can train on at run time. GPU discovery lives here, apart from the agent
 * loop: the same jar trains on a GPU when the engine's native library has CUDA, on CPU otherwise.
 */
public final class Devices {
  private Devices() {}

  /** The devices a run trains on: every GPU the engine reports (data parallel), else the CPU. */
  public static Device[] trainingDevices() {
    int gpus = Engine.getInstance().getGpuCount();
    if (gpus == 0) {
      return new Device[] {Device.cpu()};
    }
    Device[] devices = new Device[gpus];
    for (int i = 0; i < gpus; i++) {
      devices[i] = Device.gpu(i);
    }
    return devices;
  }

  /**
   * Threads that augment batches ahead of the trainer. On a GPU the CPU cores are free for it; on
   * the CPU they share the cores with PyTorch's intra-op threads, so one thread (two on larger
   * machines) keeps the trainer fed without slowing its math.
   */
  public static int augmentationThreads(boolean onGpu) {
    String override = System.getProperty("kiln.augmentationThreads");
    if (override != null) {
      return Integer.parseInt(override);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    return onGpu ? Math.max(1, cores - 1) : Math.max(1, cores / 8);
  }

  /** How a run names its devices: "cpu()", "gpu(0)", or "gpu(0)+gpu(1)" when data parallel. */
  public static String describe(Device[] devices) {
    return java.util.Arrays.stream(devices)
        .map(Device::toString)
        .collect(java.util.stream.Collectors.joining("+"));
  }

  public static List<DeviceInfo> describe() {
    List<DeviceInfo> devices = new ArrayList<>();
    int gpus = Engine.getInstance().getGpuCount();
    for (int i = 0; i < gpus; i++) {
      Long memory = null;
      try {
        memory = ai.djl.util.cuda.CudaUtils.getGpuMemory(Device.gpu(i)).getMax();
      } catch (RuntimeException | LinkageError unknown) {
        // a driver that does not say: shown without memory
      }
      devices.add(new DeviceInfo(Device.gpu(i).toString(), "gpu", "CUDA device " + i, memory));
    }
    devices.add(
        new DeviceInfo(
            Device.cpu().toString(),
            "cpu",
            Runtime.getRuntime().availableProcessors() + " cores",
            hostMemory()));
    return devices;
  }

  /** The machine's physical memory, or null when the JVM cannot tell. */
  private static Long hostMemory() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return null;
  }

  /** The versions the agent reports in its Hello. */
  public static java.util.Map<String, String> versions() {
    java.util.Map<String, String> versions = new java.util.LinkedHashMap<>();
    versions.put("djl", Engine.getDjlVersion());
    versions.put("pytorch", Engine.getInstance().getVersion());
    versions.put("java", Runtime.version().toString());
    return versions;
  }

  /**
   * Sets PyTorch's intra-op threads to the core count before the engine loads; one inter-op thread
   * because a small CNN gains nothing from parallel operators and loses to contention.
   */
  public static void configureThreads() {
    String cores = Integer.toString(Runtime.getRuntime().availableProcessors());
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", cores);
    }
    if (System.getProperty("ai.djl.pytorch.num_interop_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }
}
