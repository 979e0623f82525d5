package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import io.kiln.core.protocol.AgentMessage.DeviceInfo;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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
    return Arrays.stream(devices).map(Device::toString).collect(Collectors.joining("+"));
  }

  public static List<DeviceInfo> describe() {
    List<DeviceInfo> devices = new ArrayList<>();
    int gpus = Engine.getInstance().getGpuCount();
    for (int i = 0; i < gpus; i++) {
      Device gpu = Device.gpu(i);
      devices.add(new DeviceInfo(gpu.toString(), "gpu", "CUDA device " + i, memory(gpu)));
    }
    devices.add(
        new DeviceInfo(
            Device.cpu().toString(),
            "cpu",
            Runtime.getRuntime().availableProcessors() + " cores",
            memory(Device.cpu())));
    return devices;
  }

  /**
   * A device's memory in bytes: the GPU's, or for the CPU the machine's physical memory; null when
   * the driver or the JVM cannot tell.
   */
  public static Long memory(Device device) {
    try {
      if (device.isGpu()) {
        return CudaUtils.getGpuMemory(device).getMax();
      }
      if (ManagementFactory.getOperatingSystemMXBean()
          instanceof com.sun.management.OperatingSystemMXBean os) {
        return os.getTotalMemorySize();
      }
    } catch (RuntimeException | LinkageError unknown) {
      // not known
    }
    return null;
  }

  /** The versions the agent reports in its Hello. */
  public static Map<String, String> versions() {
    Map<String, String> versions = new LinkedHashMap<>();
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
