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

  /** The device a run trains on: the first GPU if any, else the CPU. */
  public static Device trainingDevice() {
    return Engine.getInstance().getGpuCount() > 0 ? Device.gpu(0) : Device.cpu();
  }

  public static List<DeviceInfo> describe() {
    List<DeviceInfo> devices = new ArrayList<>();
    int gpus = Engine.getInstance().getGpuCount();
    for (int i = 0; i < gpus; i++) {
      devices.add(new DeviceInfo(Device.gpu(i).toString(), "gpu", "CUDA device " + i));
    }
    devices.add(new DeviceInfo(Device.cpu().toString(), "cpu",
        Runtime.getRuntime().availableProcessors() + " cores"));
    return devices;
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
