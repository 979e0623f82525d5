package io.kiln.backend.agent;

import io.kiln.core.protocol.Protocol;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How large one WebSocket message may be: 4 MiB, as one frame or several. An agent's evaluation of
 * a dataset with hundreds of classes (its confusion matrix alone) passes Vert.x's default 64 KiB
 * frame. A larger message closes the connection with 1009 (message too big); agents check the size
 * before sending ({@code Protocol.MAX_MESSAGE_BYTES}) so an event never loops on that.
 */
@ApplicationScoped
public class WebSocketLimits implements HttpServerOptionsCustomizer {
  @Override
  public void customizeHttpServer(HttpServerOptions options) {
    limit(options);
  }

  @Override
  public void customizeHttpsServer(HttpServerOptions options) {
    limit(options);
  }

  private static void limit(HttpServerOptions options) {
    options.setMaxWebSocketFrameSize(Protocol.MAX_MESSAGE_BYTES);
    options.setMaxWebSocketMessageSize(Protocol.MAX_MESSAGE_BYTES);
  }
}
