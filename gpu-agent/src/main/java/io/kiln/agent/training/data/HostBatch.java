package io.kiln.agent.training.data;

/**
 * One batch prepared on the host, ready to copy to the device.
 *
 * @param data n normalized CHW images
 * @param targets n x classes soft targets
 * @param labels each image's own class (its majority label under mixup or CutMix)
 * @param indices each image's index in the dataset
 */
public record HostBatch(float[] data, float[] targets, int[] labels, int[] indices) {
  public int size() {
    return labels.length;
  }
}
