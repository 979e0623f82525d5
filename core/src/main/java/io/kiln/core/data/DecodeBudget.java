package io.kiln.core.data;

import io.kiln.core.i18n.Text;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The memory that decoding images may hold at once, shared by everything in a process that decodes
 * (dataset uploads, predictions, thumbnails). A decode first takes what it will cost ({@link
 * ImagePixels#cost}) and gives it back when done; a decode that would cost more than the whole
 * budget is refused, and one that cannot get its share in time is told the process is busy. So no
 * number of concurrent requests can decode more than the budget, whatever their images claim.
 */
public final class DecodeBudget {
  private static final long UNIT = 1024;

  /**
   * Source pixels from which a decode is heavy on the processor: reading even subsampled, a reader
   * inflates every row of the file (a 49-megapixel PNG is about a second of one core).
   */
  public static final long HEAVY_PIXELS = 4_000_000;

  private final long bytes;
  private final Semaphore units;
  private final Semaphore heavyLanes;

  /**
   * A budget of {@code bytes} (at least 1 MiB), with one core fewer than this machine has (at least
   * one) for heavy decodes: the rest stays free for everything else.
   */
  public DecodeBudget(long bytes) {
    this(bytes, Math.max(1, Runtime.getRuntime().availableProcessors() - 1));
  }

  /** A budget of {@code bytes} with {@code heavyLanes} heavy decodes at once. */
  public DecodeBudget(long bytes, int heavyLanes) {
    this.bytes = Math.max(1L << 20, bytes);
    this.units = new Semaphore((int) Math.min(Integer.MAX_VALUE, this.bytes / UNIT), true);
    this.heavyLanes = new Semaphore(Math.max(1, heavyLanes), true);
  }

  private static final DecodeBudget UNLIMITED =
      new DecodeBudget((long) Integer.MAX_VALUE * UNIT, Integer.MAX_VALUE);

  /** A budget no single process could exhaust: for a training agent, whose memory is its own. */
  public static DecodeBudget unlimited() {
    return UNLIMITED;
  }

  /** A quarter of the heap this JVM may grow to: what the backend gives decoding by default. */
  public static long quarterOfHeap() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  public long bytes() {
    return bytes;
  }

  /** Bytes free now (for tests and metrics). */
  public long available() {
    return (long) units.availablePermits() * UNIT;
  }

  /** An image costs more than the whole budget: it can never be decoded here. */
  public static final class TooLargeException extends ImagePixels.UndecodableException {
    public TooLargeException(long cost, long budget) {
      super(Text.of("image.tooCostly", "mb", mib(cost), "budget", mib(budget)));
    }
  }

  /** The budget stayed spent by other decodes for longer than the caller waits. */
  public static final class BusyException extends IOException {
    private final transient Text text;
    private final long retryAfterSeconds;

    public BusyException(long retryAfterSeconds) {
      super("busy decoding other images");
      this.retryAfterSeconds = retryAfterSeconds;
      this.text = Text.of("image.busy", "seconds", retryAfterSeconds);
    }

    public Text text() {
      return text;
    }

    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /** A heavy decode's place, given back on close. */
  public interface Lane extends AutoCloseable {
    @Override
    void close();
  }

  /** A share of the budget, given back on close. */
  public final class Lease implements AutoCloseable {
    private int held;

    private Lease(int held) {
      this.held = held;
    }

    /**
     * Grows this share to {@code total} bytes, waiting at most {@code wait}. It never waits while
     * holding: when the rest is not free at once it gives its share back and waits for the whole,
     * so two growing leases cannot wait on each other.
     */
    public void growTo(long total, Duration wait) throws IOException {
      if (total > bytes) {
        throw new TooLargeException(total, bytes);
      }
      int wanted = (int) Math.max(1, (total + UNIT - 1) / UNIT);
      if (wanted <= held || units.tryAcquire(wanted - held)) {
        held = Math.max(held, wanted);
        return;
      }
      close();
      acquire(wanted, wait);
      held = wanted;
    }

    /**
     * A lane for decoding a picture of {@code sourcePixels}: a heavy one ({@link #HEAVY_PIXELS})
     * waits at most {@code wait} for one of the few heavy lanes, so heavy decodes never take every
     * core; a lighter one goes at once. Close it when the decode is done.
     */
    public Lane lane(long sourcePixels, Duration wait) throws BusyException {
      if (sourcePixels < HEAVY_PIXELS) {
        return () -> {};
      }
      try {
        if (!heavyLanes.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new BusyException(Math.max(1, wait.toSeconds()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BusyException(1);
      }
      return heavyLanes::release;
    }

    /** Bytes this lease holds. */
    public long bytes() {
      return (long) held * UNIT;
    }

    @Override
    public void close() {
      if (held > 0) {
        units.release(held);
        held = 0;
      }
    }
  }

  /**
   * Takes {@code cost} bytes, waiting at most {@code wait} for other decodes to give theirs back.
   */
  public Lease take(long cost, Duration wait) throws IOException {
    Lease lease = new Lease(0);
    lease.growTo(cost, wait);
    return lease;
  }

  /** An empty share, to grow as what it will hold becomes known. */
  public Lease lease() {
    return new Lease(0);
  }

  private void acquire(int wanted, Duration wait) throws BusyException {
    try {
      if (!units.tryAcquire(wanted, wait.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new BusyException(Math.max(1, wait.toSeconds()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BusyException(1);
    }
  }

  private static long mib(long bytes) {
    return Math.max(1, (bytes + (1L << 20) - 1) >> 20);
  }
}
