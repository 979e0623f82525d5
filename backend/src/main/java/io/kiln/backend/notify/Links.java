package io.kiln.backend.notify;

import io.kiln.backend.common.KilnConfig;
import java.util.Map;

/** Where an event leads: its page's path, and the full link where Kiln knows its public address. */
final class Links {
  private Links() {}

  static void put(Map<String, Object> payload, KilnConfig config, String path) {
    payload.put("path", path);
    config.publicUrl().ifPresent(url -> payload.put("link", url.replaceAll("/+$", "") + path));
  }
}
