package io.kiln.agent.loop;

import io.kiln.agent.channel.BackendClient;
import io.kiln.core.protocol.AgentMessage.RunEvent;
import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * Run events not yet acknowledged by the backend. Each is sent at once and kept until its Ack
 * arrives; after a reconnect everything still here is resent in order (the backend ignores a
 * sequence number it already stored), so a dropped connection loses no point.
 */
final class RunOutbox {
  private record Key(long runId, long seq) {}

  private final BackendClient backend;
  private final ConcurrentSkipListMap<Key, RunEvent> pending =
      new ConcurrentSkipListMap<>(Comparator.comparingLong(Key::runId).thenComparingLong(Key::seq));

  RunOutbox(BackendClient backend) {
    this.backend = backend;
  }

  void send(RunEvent event) {
    pending.put(new Key(event.runId(), event.seq()), event);
    backend.send(event);
  }

  void ack(long runId, long seq) {
    synchronized (this) {
      pending.remove(new Key(runId, seq));
      notifyAll();
    }
  }

  void resendAll() {
    pending.values().forEach(backend::send);
  }

  int size() {
    return pending.size();
  }

  /** Waits until every event is acknowledged, or the timeout passes; true when drained. */
  synchronized boolean awaitDrained(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!pending.isEmpty()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }
}
