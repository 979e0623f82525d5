package io.kiln.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling: a bare Vert.x WebSocket server that forwards every message from {@code /agent} to
 * every socket on {@code /view}, with nothing in between (no auth, no database, no JSON work).
 */
final class BareFanout implements AutoCloseable {
  private final Set<ServerWebSocket> viewers = ConcurrentHashMap.newKeySet();
  private final HttpServer server;

  BareFanout(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().webSocketHandler(socket -> {
      if ("/view".equals(socket.path())) {
        viewers.add(socket);
        socket.closeHandler(v -> viewers.remove(socket));
        socket.writeTextMessage("{\"type\":\"snapshot\"}");
      } else {
        socket.textMessageHandler(text -> viewers.forEach(v -> v.writeTextMessage(text)));
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
