package io.kiln.agent.training.data;

import io.kiln.agent.training.LabelledImages;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Feeds the trainer: images are decoded once and cached in memory (see LabelledImages); each batch
 * is augmented and mixed on worker threads and a few batches are prepared ahead, so the trainer
 * does not wait on data. Each batch draws its randomness from (seed, epoch, batch), so the result
 * does not depend on thread timing and a resumed run sees exactly the batches it would have seen.
 */
public final class BatchPipeline {
  private final LabelledImages images;
  private final Augmenter augmenter;
  private final Mixer mixer;
  private final ExecutorService workers;
  private final int prefetch;
  private final long seed;

  /**
   * @param workers the augmentation threads, or null to prepare each batch on the caller's thread
   */
  public BatchPipeline(
      LabelledImages images,
      Augmenter augmenter,
      Mixer mixer,
      ExecutorService workers,
      int prefetch,
      long seed) {
    this.images = images;
    this.augmenter = augmenter;
    this.mixer = mixer;
    this.workers = workers;
    this.prefetch = Math.max(1, prefetch);
    this.seed = seed;
  }

  /** The batches of one epoch, prepared in the background in order. */
  public Epoch epoch(List<int[]> batches, int epoch, boolean train) {
    return new Epoch(batches, epoch, train);
  }

  /** Prepares one batch on the calling thread. */
  public HostBatch prepare(int[] indices, int epoch, int batch, boolean train) {
    SplittableRandom rng = Sampling.forBatch(seed, epoch, batch, train);
    int channels = images.channels();
    int size = images.size();
    int per = channels * size * size;
    float[] data = new float[indices.length * per];
    int[] labels = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      // A child generator per image keeps images independent of each other's number of draws.
      augmenter.apply(images.pixels()[indices[i]], channels, size, rng.split(), data, i * per);
      labels[i] = images.labels()[indices[i]];
    }
    Mixer.Mix mix = train ? mixer.mix(data, indices.length, channels, size, rng) : Mixer.Mix.NONE;
    float[] targets = mixer.targets(labels, mix);
    if (mix.partner() != null && mix.lambda() < 0.5) {
      int[] own = labels.clone();
      for (int i = 0; i < labels.length; i++) {
        labels[i] = own[mix.partner()[i]];
      }
    }
    return new HostBatch(data, targets, labels, indices);
  }

  /** An iterator over one epoch's batches that keeps {@code prefetch} of them in preparation. */
  public final class Epoch implements Iterator<HostBatch>, AutoCloseable {
    private final List<int[]> batches;
    private final int epoch;
    private final boolean train;
    private final ArrayDeque<Future<HostBatch>> pending = new ArrayDeque<>();
    private int submitted;

    Epoch(List<int[]> batches, int epoch, boolean train) {
      this.batches = batches;
      this.epoch = epoch;
      this.train = train;
      fill();
    }

    private void fill() {
      while (pending.size() < prefetch && submitted < batches.size()) {
        int index = submitted++;
        Callable<HostBatch> job = () -> prepare(batches.get(index), epoch, index, train);
        // Without worker threads a batch is prepared on the trainer's thread when taken (see
        // Devices).
        pending.add(workers == null ? new FutureTask<>(job) : workers.submit(job));
      }
    }

    @Override
    public boolean hasNext() {
      return !pending.isEmpty();
    }

    @Override
    public HostBatch next() {
      Future<HostBatch> head = pending.poll();
      if (head == null) {
        throw new NoSuchElementException();
      }
      fill();
      if (workers == null && head instanceof FutureTask<HostBatch> inline) {
        inline.run();
      }
      try {
        return head.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while preparing a batch", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("could not prepare a batch: " + e.getCause(), e.getCause());
      }
    }

    /** Drops the batches still in preparation (on cancel or failure). */
    @Override
    public void close() {
      pending.forEach(f -> f.cancel(true));
      pending.clear();
    }
  }
}
