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
  private final String session;
  private final List<Pending> held = new ArrayList<>();
  private boolean live;
  private boolean closing;

  private record Pending(long seq, String json) {}

  /**
   * @param context the event loop that owns the socket (where writes to it are cheapest)
   * @param locale the language the viewer reads suggestions in
   * @param session the session token it connected with, checked again when authority changes
   */
  Viewer(ServerWebSocket socket, Context context, Locale locale, String session) {
    this.socket = socket;
    this.context = context;
    this.locale = locale;
    this.session = session;
  }

  String session() {
    return session;
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
   * Sends the snapshot, then the points published before this viewer registered that it lacks (out
   * on arrival, not yet committed when it was read), then everything held back since that it does
   * not already contain.
   *
   * @param before the points published before this viewer registered ({@link LiveHub#add})
   */
  synchronized void goLive(String snapshot, long snapshotMaxSeq, List<RunLine.Sent> before) {
    write(snapshot);
    long last = snapshotMaxSeq;
    for (RunLine.Sent sent : before) {
      if (sent.seq() > last) {
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

  synchronized boolean closed() {
    return closing || socket.isClosed();
  }

  /** Asks the browser to reconnect (1012, service restart): it resumes from its last point. */
  void reconnect() {
    end(null, 1012, "reconnect to catch up");
  }

  /**
   * Sends this error message and closes the socket with {@code code}: the browser shows the message
   * and does not reconnect. Nothing else is written to it from now on.
   */
  void refuse(String error, int code, String reason) {
    end(error, code, reason);
  }

  private synchronized void end(String last, int code, String reason) {
    closing = true;
    live = true;
    held.clear();
    Runnable close =
        () -> {
          if (!socket.isClosed()) {
            if (last != null) {
              socket.writeTextMessage(last);
            }
            socket.close((short) code, reason);
          }
        };
    if (context == null) {
      close.run();
    } else {
      context.runOnContext(v -> close.run());
    }
  }

  private void write(String json) {
    if (!closing && !socket.isClosed()) {
      socket.writeTextMessage(json);
    }
  }
}
