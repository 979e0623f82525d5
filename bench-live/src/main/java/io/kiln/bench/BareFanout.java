package io.kiln.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling: a bare Vert.x WebSocket server that forwards every message from {@code /agent} to
 * every socket on {@code /view} with nothing in between (no auth, no database, no JSON work),
 * writing from each socket's own event loop as Kiln's hub does. bench/live-latency runs it in a JVM
 * of its own, as Kiln's backend runs in its own ({@link #main}), so neither shares a JVM with the
 * viewers.
 */
final class BareFanout implements AutoCloseable {
  private record View(ServerWebSocket socket, Context context) {}

  private final Set<View> viewers = ConcurrentHashMap.newKeySet();
  private final HttpServer server;

  BareFanout(Vertx vertx) throws Exception {
    server =
        vertx
            .createHttpServer()
            .webSocketHandler(
                socket -> {
                  if ("/view".equals(socket.path())) {
                    View view = new View(socket, Vertx.currentContext());
                    viewers.add(view);
                    socket.closeHandler(v -> viewers.remove(view));
                    socket.writeTextMessage("{\"type\":\"snapshot\"}");
                  } else {
                    socket.textMessageHandler(this::broadcast);
                  }
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  private void broadcast(String text) {
    Map<Context, List<ServerWebSocket>> byLoop = new HashMap<>();
    for (View v : viewers) {
      byLoop.computeIfAbsent(v.context(), k -> new ArrayList<>()).add(v.socket());
    }
    byLoop.forEach(
        (loop, sockets) -> loop.runOnContext(x -> sockets.forEach(s -> s.writeTextMessage(text))));
  }

  /** Serves on a free port until killed; prints {@code BARE_PORT=<port>} once listening. */
  public static void main(String[] args) throws Exception {
    BareFanout bare = new BareFanout(Vertx.vertx());
    System.out.println("BARE_PORT=" + bare.port());
    System.out.flush();
    Thread.currentThread().join();
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
