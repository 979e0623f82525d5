package io.kiln.backend.live;

import io.vertx.core.Context;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One browser watching one run. Until its snapshot is sent, live messages are held back, then
 * released if newer than the snapshot, so a viewer sees every point once and in order.
 */
final class Viewer {
  private final ServerWebSocket socket;
  private final Context context;
  private final Locale locale;
  private final List<Pending> held = new ArrayList<>();
  private boolean live;

  private record Pending(long seq, String json) {}

  /**
   * @param context the event loop that owns the socket (where writes to it are cheapest)
   * @param locale the language the viewer reads suggestions in
   */
  Viewer(ServerWebSocket socket, Context context, Locale locale) {
    this.socket = socket;
    this.context = context;
    this.locale = locale;
  }

  Locale locale() {
    return locale;
  }

  Context context() {
    return context;
  }

  /**
   * @param seq the metric's sequence number, or -1 for messages that always apply (run changes)
   */
  synchronized void push(long seq, String json) {
    if (live) {
      write(json);
    } else {
      held.add(new Pending(seq, json));
    }
  }

  /**
   * Sends the snapshot, then the points published lately that it lacks (published on arrival, not
   * yet committed when it was read), then everything held back that it does not already contain.
   */
  synchronized void goLive(String snapshot, long snapshotMaxSeq, List<RunLine.Sent> recent) {
    write(snapshot);
    long last = snapshotMaxSeq;
    long firstHeld = held.stream().mapToLong(Pending::seq).filter(s -> s >= 0).min().orElse(-1);
    for (RunLine.Sent sent : recent) {
      if (sent.seq() > last && (firstHeld < 0 || sent.seq() < firstHeld)) {
        write(sent.text());
        last = sent.seq();
      }
    }
    for (Pending p : held) {
      if (p.seq() < 0) {
        write(p.json());
      } else if (p.seq() > last) {
        write(p.json());
        last = p.seq();
      }
    }
    held.clear();
    live = true;
  }

  boolean closed() {
    return socket.isClosed();
  }

  private void write(String json) {
    if (!socket.isClosed()) {
      socket.writeTextMessage(json);
    }
  }
}
