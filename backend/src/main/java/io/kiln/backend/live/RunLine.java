package io.kiln.backend.live;

import java.util.ArrayDeque;
import java.util.List;

/**
 * What the hub has sent about one run's points: the highest sequence number published (each point
 * goes out once, in order, whichever path brings it first) and the last few texts, for viewers who
 * join while a point is published but not yet committed (their snapshot, read from the database,
 * cannot contain it). A point may be published on arrival only while the run is leased, only when
 * it extends the published points without a gap, and only while the points out before their commit
 * all fit among the kept texts; anything else waits for its commit.
 */
final class RunLine {
  /** Texts kept for joiners, and so the most points out on arrival before their commit. */
  static final int RECENT = 64;

  /** A published metric point's text. */
  record Sent(long seq, String text) {}

  private final ArrayDeque<Sent> recent = new ArrayDeque<>();
  private long published = -1;
  private long committed = -1;
  private boolean open = true;

  /** Whether a point that only arrived (not stored yet) may go out now. */
  synchronized boolean takesArrival(long seq) {
    return open && seq == published + 1 && seq - committed <= RECENT;
  }

  /** A point's transaction committed. */
  synchronized void committed(long seq) {
    committed = Math.max(committed, seq);
  }

  /**
   * Claims {@code seq} for publishing: false when it or a later point was published already. The
   * caller publishes under this line's lock, so viewers get the points in the order claimed.
   */
  synchronized boolean claim(long seq, String text) {
    if (seq <= published) {
      return false;
    }
    published = seq;
    recent.addLast(new Sent(seq, text));
    if (recent.size() > RECENT) {
      recent.removeFirst();
    }
    return true;
  }

  /**
   * The run's lease changed hands or ended: points on arrival wait for their commit, and a resumed
   * attempt (which reports again from its checkpoint) starts the published points afresh.
   */
  synchronized void state(boolean leased) {
    if (!leased) {
      published = -1;
      committed = -1;
      recent.clear();
    }
    open = leased;
  }

  synchronized List<Sent> recent() {
    return List.copyOf(recent);
  }
}
